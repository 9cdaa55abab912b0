"""Tiny dependency-free SVG charts for the evaluation report: grouped bars and histograms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

# Dark enough for 3:1 against white (WCAG non-text contrast).
PALETTE = ("#1f5f99", "#a34f00", "#1d7a44", "#b02a2a", "#6a3fa0", "#595959")
WIDTH = 760
HEIGHT = 300
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 34, 70


def _legend(names: Sequence[str], y: float) -> list[str]:
    """Legend entries in one row."""
    parts: list[str] = []
    x = LEFT
    for i, name in enumerate(names):
        colour = PALETTE[i % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="{y}" font-size="11">{escape(name)}</text>')
        x += 24 + 7 * len(name)
    return parts


def _frame(title: str, y_ticks: Sequence[tuple[float, str]], plot_h: float) -> list[str]:
    """Title, horizontal grid lines and their labels."""
    parts = [f'<text x="{LEFT}" y="18" font-size="13" font-weight="bold">{escape(title)}</text>']
    for frac, label in y_ticks:
        y = TOP + plot_h * (1 - frac)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{escape(label)}</text>')
    return parts


def _svg(parts: list[str], label: str, height: int = HEIGHT) -> str:
    """Wrap chart parts in an accessible svg element."""
    body = "\n".join(parts)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(label)}" '
        f'font-family="sans-serif">\n{body}\n</svg>'
    )


def bar_chart(title: str, categories: Sequence[str], series: Mapping[str, Sequence[float | None]]) -> str:
    """Horizontal grouped bars of fractions (0-1), one row per category and one colour per series; None draws none."""
    label_w, bar_h, gap = 230, 10, 10
    left = label_w + 8
    plot_w = WIDTH - left - RIGHT
    group_h = max(len(series), 1) * bar_h + gap
    top = TOP + 20
    plot_h = len(categories) * group_h
    height = top + plot_h + 24
    parts = [f'<text x="{LEFT}" y="18" font-size="13" font-weight="bold">{escape(title)}</text>']
    parts += _legend(list(series), TOP + 4)
    for frac in (0, 0.25, 0.5, 0.75, 1.0):
        x = left + plot_w * frac
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + plot_h}" stroke="#bbb"/>')
        parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" font-size="10" text-anchor="middle">{frac:.0%}</text>')
    for c, category in enumerate(categories):
        gy = top + c * group_h + gap / 2
        parts.append(f'<text x="{label_w}" y="{gy + group_h / 2:.1f}" font-size="11" text-anchor="end">'
                     f"{escape(category)}</text>")
        for s, (name, values) in enumerate(series.items()):
            value = values[c] if c < len(values) else None
            if value is None:
                continue
            tip = escape(f"{category} · {name}: {value:.0%}")
            parts.append(
                f'<rect x="{left}" y="{gy + s * bar_h:.1f}" width="{plot_w * max(0.0, min(1.0, value)):.1f}" '
                f'height="{bar_h - 1}" fill="{PALETTE[s % len(PALETTE)]}"><title>{tip}</title></rect>'
            )
    return _svg(parts, title, height)


def histogram(title: str, series: Mapping[str, Sequence[float]], bins: int = 20, unit: str = "ms") -> str:
    """Overlaid histograms (counts per bin) of one or more value series sharing the same bins."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    values = [v for vs in series.values() for v in vs]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if high <= low:
        high = low + 1.0
    width = (high - low) / bins
    counts = {
        name: [sum(1 for v in vs if min(int((v - low) / width), bins - 1) == b) for b in range(bins)]
        for name, vs in series.items()
    }
    top = max((c for cs in counts.values() for c in cs), default=1) or 1
    parts = _frame(title, [(f, f"{round(top * f)}") for f in (0, 0.5, 1.0)], plot_h)
    bin_w = plot_w / bins
    for s, (name, cs) in enumerate(counts.items()):
        colour = PALETTE[s % len(PALETTE)]
        for b, count in enumerate(cs):
            if not count:
                continue
            h = plot_h * count / top
            x, y = LEFT + b * bin_w, TOP + plot_h - h
            tip = f"{name}: {count} × {low + b * width:.0f}–{low + (b + 1) * width:.0f} {unit}"
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bin_w * 0.95:.1f}" height="{h:.1f}" fill="{colour}" '
                f'fill-opacity="0.55"><title>{escape(tip)}</title></rect>'
            )
    for b in range(0, bins + 1, max(1, bins // 5)):
        x = LEFT + b * bin_w
        label = f"{low + b * width:.0f} {unit}"
        anchor = "end" if b == bins else "middle"
        parts.append(f'<text x="{x:.1f}" y="{TOP + plot_h + 14}" font-size="10" text-anchor="{anchor}">{label}</text>')
    parts += _legend(list(series), HEIGHT - 8)
    return _svg(parts, title)
