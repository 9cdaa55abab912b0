/* An amount over the years as a small bar chart: inline SVG built with DOM calls (no inline style or script),
   the asked year(s) marked, the kind of each year (rekening / begroting / meerjarenbegroting) told apart by
   fill and outline, a spoken summary (role="img" + aria-label) and the numbers as a real table.
   Input: the "series" of an answer: {line, measure, unit, points: [{year, kind, raw, value, asked}]},
   value in euros (null when the table has no number). */
(function () {
  "use strict";

  var BW = window.BW;
  var el = BW.el;
  var SVG = "http://www.w3.org/2000/svg";
  var EURO = new Intl.NumberFormat("nl-NL", { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
  var ONE = new Intl.NumberFormat("nl-NL", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  var WHOLE = new Intl.NumberFormat("nl-NL", { maximumFractionDigits: 0 });
  var KINDS = {
    rekening: { label: "rekening (werkelijk uitgegeven of ontvangen)", short: "rekening" },
    begroting: { label: "begroting (plan)", short: "begroting" },
    meerjarenbegroting: { label: "meerjarenbegroting (schatting)", short: "meerjaren\u00ADbegroting" }
  };
  var counter = 0;

  function svg(tag, attrs, children) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (attrs[key] !== null && attrs[key] !== undefined) node.setAttribute(key, String(attrs[key]));
    });
    (children || []).forEach(function (c) {
      if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function kindKey(kind) {
    var k = String(kind || "").toLowerCase();
    if (k.indexOf("meerjaren") !== -1) return "meerjarenbegroting";
    if (k.indexOf("rekening") !== -1 || k.indexOf("realisatie") !== -1) return "rekening";
    return "begroting";
  }

  /** "€ 14.909.000" (the euro amount in full, with a minus sign when negative). */
  function euro(value) {
    return EURO.format(value).replace(/\u00A0/g, " ");
  }

  /** Amounts of a million or more are labelled in millions ("14,9"; the caption says so), others in full. */
  function inMillions(points) {
    return points.every(function (p) { return typeof p.value !== "number" || p.value === 0 || Math.abs(p.value) >= 1e6; });
  }

  function short(value, millions) {
    return millions ? ONE.format(value / 1e6) : WHOLE.format(value);
  }

  function usable(series) {
    return !!(series && typeof series === "object" && Array.isArray(series.points) &&
      series.points.some(function (p) { return p && typeof p.value === "number" && isFinite(p.value); }));
  }

  function subject(series) {
    var parts = [series.line, series.measure ? String(series.measure).toLowerCase() : ""].filter(Boolean);
    return parts.join(", ");
  }

  function pointText(p) {
    var amount = typeof p.value === "number" ? euro(p.value) : "geen bedrag";
    return p.year + " (" + kindKey(p.kind) + "): " + amount;
  }

  function summary(series, points) {
    var asked = points.filter(function (p) { return p.asked; }).map(function (p) { return String(p.year); });
    return "Staafdiagram van " + subject(series) + " per jaar, in euro. " +
      points.map(pointText).join("; ") + "." +
      (asked.length ? " Gevraagd: " + asked.join(" en ") + "." : "");
  }

  function chart(series, points) {
    var W = 360;
    var H = 190;
    var top = 34;
    var bottom = 150;
    var left = 8;
    var slot = (W - 2 * left) / points.length;
    var barWidth = Math.min(40, slot * 0.6);
    var values = points.map(function (p) { return typeof p.value === "number" ? p.value : 0; });
    var max = Math.max(0, Math.max.apply(null, values));
    var min = Math.min(0, Math.min.apply(null, values));
    var span = max - min || 1;
    function y(v) { return top + (max - v) / span * (bottom - top); }
    var zero = y(0);
    var labelAll = points.length <= 7;
    var millions = inMillions(points);
    var id = "reeks-" + (++counter);

    var root = svg("svg", {
      viewBox: "0 0 " + W + " " + H,
      role: "img",
      "aria-label": summary(series, points),
      focusable: "false",
      "class": "series-chart"
    });
    // Estimates (meerjarenbegroting) are striped, so the kinds differ without colour.
    root.appendChild(svg("defs", null, [
      svg("pattern", { id: id + "-streep", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" }, [
        svg("rect", { width: 6, height: 6, "class": "bar-fill-meerjarenbegroting" }),
        svg("line", { x1: 0, y1: 0, x2: 0, y2: 6, "class": "bar-stripe" })
      ])
    ]));
    root.appendChild(svg("line", { x1: left, x2: W - left, y1: zero, y2: zero, "class": "series-axis" }));

    points.forEach(function (p, i) {
      var cx = left + slot * i + slot / 2;
      var kind = kindKey(p.kind);
      var group = svg("g", { "class": "series-point kind-" + kind + (p.asked ? " asked" : "") });
      if (p.asked) {
        // A pale band behind the asked year, and its year label in bold with a marker.
        group.appendChild(svg("rect", { x: cx - slot / 2 + 2, y: 2, width: slot - 4, height: H - 4, rx: 4, "class": "asked-band" }));
      }
      if (typeof p.value === "number") {
        var yv = y(p.value);
        var h = Math.max(1, Math.abs(zero - yv));
        group.appendChild(svg("rect", {
          x: cx - barWidth / 2, y: Math.min(yv, zero), width: barWidth, height: h,
          fill: kind === "meerjarenbegroting" ? "url(#" + id + "-streep)" : null,
          "class": "bar bar-" + kind
        }));
        if (labelAll || p.asked) {
          var ly = p.value >= 0 ? Math.min(yv, zero) - 6 : Math.max(yv, zero) + 14;
          group.appendChild(svg("text", { x: cx, y: ly, "text-anchor": "middle", "class": "bar-value" }, [short(p.value, millions)]));
        }
      } else {
        group.appendChild(svg("text", { x: cx, y: zero - 6, "text-anchor": "middle", "class": "bar-value" }, ["–"]));
      }
      group.appendChild(svg("text", { x: cx, y: bottom + 20, "text-anchor": "middle", "class": "bar-year" }, [String(p.year)]));
      if (p.asked) {
        group.appendChild(svg("path", { d: "M" + (cx - 6) + " " + (bottom + 34) + " l6 -7 l6 7 z", "class": "asked-marker" }));
      }
      root.appendChild(group);
    });
    return root;
  }

  function legend(points) {
    var seen = {};
    var list = el("ul", { className: "series-legend" });
    points.forEach(function (p) {
      var kind = kindKey(p.kind);
      if (seen[kind]) return;
      seen[kind] = true;
      list.appendChild(el("li", null, [el("span", { className: "swatch swatch-" + kind, "aria-hidden": "true" }), KINDS[kind].label]));
    });
    if (points.some(function (p) { return p.asked; })) {
      list.appendChild(el("li", null, [el("span", { className: "swatch swatch-asked", "aria-hidden": "true" }), "gevraagd jaar"]));
    }
    return list;
  }

  function table(series, points) {
    var body = el("tbody");
    points.forEach(function (p) {
      // Year, kind and "gevraagd" share the row header (one per line), so the table fits a narrow screen.
      body.appendChild(el("tr", { className: p.asked ? "asked" : null }, [
        el("th", { scope: "row" }, [
          el("span", { className: "series-year", text: String(p.year) }),
          el("span", { className: "series-kind", text: " " + KINDS[kindKey(p.kind)].short }),
          p.asked ? el("span", { className: "series-asked", text: " (gevraagd)" }) : null
        ]),
        el("td", { className: "num", text: typeof p.value === "number" ? euro(p.value) : "–" })
      ]));
    });
    return el("table", { className: "series-table" }, [
      el("caption", { text: subject(series) + " per jaar, in euro" }),
      el("thead", null, [el("tr", null, [
        el("th", { scope: "col", text: "Jaar en soort" }),
        el("th", { scope: "col", className: "num", text: "Bedrag" })
      ])]),
      body
    ]);
  }

  /** The figure for a series, or null when there is nothing to draw. */
  function seriesFigure(series) {
    if (!usable(series)) return null;
    var points = series.points.filter(function (p) { return p && typeof p.year === "number"; })
      .slice().sort(function (a, b) { return a.year - b.year; });
    var asked = points.filter(function (p) { return p.asked; }).length;
    return el("figure", { className: "series", "data-asked": String(asked) }, [
      el("figcaption", { className: "series-caption", text: subject(series) + " over de jaren" +
        (inMillions(points) ? " (in miljoenen euro)" : " (in euro)") }),
      chart(series, points),
      legend(points),
      el("details", { className: "series-details" }, [
        el("summary", { text: "Bekijk als tabel" }),
        table(series, points)
      ])
    ]);
  }

  BW.seriesFigure = seriesFigure;
})();
