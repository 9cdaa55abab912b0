"""Tiny dependency-free SVG charts for the evaluation report: grouped bars and histograms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

PALETTE = ("#1f6fb2", "#e07b1a", "#2a9d55", "#c23b3b", "#7d4fb0", "#7a7a7a")
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


def _svg(parts: list[str], label: str) -> str:
    """Wrap chart parts in an accessible svg element."""
    body = "\n".join(parts)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}" '
        f'font-family="sans-serif">\n{body}\n</svg>'
    )


def bar_chart(title: str, categories: Sequence[str], series: Mapping[str, Sequence[float | None]]) -> str:
    """Grouped bars of fractions (0-1) per category, one colour per series; None draws no bar."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = _frame(title, [(f, f"{f:.0%}") for f in (0, 0.25, 0.5, 0.75, 1.0)], plot_h)
    group_w = plot_w / max(len(categories), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    for c, category in enumerate(categories):
        gx = LEFT + c * group_w + group_w * 0.1
        for s, (name, values) in enumerate(series.items()):
            value = values[c] if c < len(values) else None
            if value is None:
                continue
            h = plot_h * max(0.0, min(1.0, value))
            x, y = gx + s * bar_w, TOP + plot_h - h
            tip = escape(f"{category} · {name}: {value:.1%}")
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w * 0.92:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[s % len(PALETTE)]}"><title>{tip}</title></rect>'
            )
        cx = LEFT + (c + 0.5) * group_w
        parts.append(
            f'<text x="{cx:.1f}" y="{TOP + plot_h + 14}" font-size="10" text-anchor="end" '
            f'transform="rotate(-30 {cx:.1f} {TOP + plot_h + 14})">{escape(category)}</text>'
        )
    parts += _legend(list(series), HEIGHT - 8)
    return _svg(parts, title)


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
