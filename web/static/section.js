/* Section view: the text of one budget section with the cited passage highlighted
   (text nodes wrapped in <mark>, never innerHTML), its place in the budget and its tables. */
(function () {
  "use strict";

  var BW = window.BW;
  var el = BW.el;

  var main = document.getElementById("inhoud");
  var crumbs = document.getElementById("kruimelpad");
  var heading = document.getElementById("titel");
  var loading = document.getElementById("laden");
  var errorBox = document.getElementById("fout");
  var meta = document.getElementById("meta");
  var quoteNote = document.getElementById("citaat-melding");
  var textBox = document.getElementById("tekst");
  var tablesBox = document.getElementById("tabellen");
  var childrenBox = document.getElementById("onderdelen");
  var childrenList = document.getElementById("onderdelen-lijst");
  var backLink = document.getElementById("terug");

  var NUMBER_FORMAT = new Intl.NumberFormat("nl-NL", { maximumFractionDigits: 2 });
  var BULLET = /^\s*[•·▪◦*-]\s+/;

  function sectionIdFromLocation() {
    var raw = window.location.pathname.replace(/^\/sections\//, "");
    try { return decodeURIComponent(raw); } catch (e) { return raw; }
  }

  // ---------- text ----------

  function looksLikeHeading(block, isLast) {
    if (isLast || block.indexOf("\n") !== -1) return false;
    var t = block.trim();
    return t.length > 0 && t.length <= 90 && !/[.:;,?!)]$/.test(t) && !BULLET.test(t);
  }

  // "Bestuur — Lasten: 2024 (rekening): 13.543; …": a table row written out as text.
  var TABLE_LINE = /^.+ — .+?: \d{4}\b/;

  function isTableBlock(lines) {
    var body = lines.length > 1 && !TABLE_LINE.test(lines[0]) ? lines.slice(1) : lines;
    return body.length > 0 && body.every(function (l) { return TABLE_LINE.test(l); });
  }

  /**
   * Paragraphs, bullet lists and short lead-in lines as sub-headings, all as text nodes.
   * When the section has real tables, their written-out copy is folded away in a <details>.
   */
  function renderText(text, hasTables) {
    var frag = document.createDocumentFragment();
    var blocks = String(text || "").split(/\n\s*\n/).map(function (b) { return b.replace(/^\n+|\n+$/g, ""); })
      .filter(function (b) { return b.trim(); });
    blocks.forEach(function (block, i) {
      var lines = block.split("\n").filter(function (l) { return l.trim(); });
      if (hasTables && isTableBlock(lines)) {
        var rows = el("div");
        lines.forEach(function (l) { rows.appendChild(el("p", { text: l.trim() })); });
        frag.appendChild(el("details", { className: "table-text" }, [
          el("summary", { text: "De tabel als tekst" }),
          rows
        ]));
      } else if (lines.every(function (l) { return BULLET.test(l); })) {
        var list = el("ul");
        lines.forEach(function (l) { list.appendChild(el("li", { text: l.replace(BULLET, "").trim() })); });
        frag.appendChild(list);
      } else if (looksLikeHeading(block, i === blocks.length - 1)) {
        frag.appendChild(el("h2", { text: block.trim() }));
      } else {
        var p = el("p");
        lines.forEach(function (l, j) {
          if (j > 0) p.appendChild(el("br"));
          p.appendChild(document.createTextNode(l.trim()));
        });
        frag.appendChild(p);
      }
    });
    return frag;
  }

  // ---------- highlighting ----------

  function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  /** A forgiving pattern: any run of white space matches any other, quotes and dashes match their variants. */
  function patternFor(part) {
    var words = part.trim().split(/\s+/).map(function (w) {
      return escapeRegExp(w)
        .replace(/['‘’`]/g, "['‘’`]")
        .replace(/["“”„]/g, "[\"“”„]")
        .replace(/[–—]|\\-/g, "[-–—]");
    });
    return new RegExp(words.join("\\s+"), "i");
  }

  /** Text nodes under root with their offsets in one string; blocks are separated by a newline. */
  function collectText(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, null);
    var nodes = [];
    var all = "";
    var node;
    while ((node = walker.nextNode())) {
      if (!node.nodeValue) continue;
      if (nodes.length) all += "\n";
      nodes.push({ node: node, start: all.length });
      all += node.nodeValue;
    }
    return { nodes: nodes, all: all };
  }

  function findRanges(all, quote) {
    var cleaned = String(quote).replace(/\s+/g, " ").trim();
    var parts = cleaned.split(/…|\.\.\./).map(function (p) { return p.trim(); }).filter(function (p) { return p.length >= 3; });
    var ranges = [];
    function tryPart(part) {
      var m = patternFor(part).exec(all);
      if (m) ranges.push([m.index, m.index + m[0].length]);
      return !!m;
    }
    parts.forEach(tryPart);
    if (!ranges.length) {
      // The quote as a whole is not in the text: highlight whichever of its sentences are.
      parts.forEach(function (part) {
        part.split(/(?<=[.!?;])\s+/).filter(function (s) { return s.length >= 20; }).forEach(tryPart);
      });
    }
    return ranges;
  }

  /** Wrap the ranges in <mark> by splitting text nodes; returns the marks in document order. */
  function highlight(root, quote) {
    if (!quote || !quote.trim()) return [];
    var collected = collectText(root);
    var ranges = findRanges(collected.all, quote);
    // Merge overlapping ranges, then cut them into pieces per text node.
    ranges.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    ranges.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    });
    var perNode = new Map();
    merged.forEach(function (r) {
      collected.nodes.forEach(function (entry) {
        var from = Math.max(r[0], entry.start);
        var to = Math.min(r[1], entry.start + entry.node.nodeValue.length);
        if (to > from && entry.node.nodeValue.slice(from - entry.start, to - entry.start).trim()) {
          if (!perNode.has(entry.node)) perNode.set(entry.node, []);
          perNode.get(entry.node).push({ from: from - entry.start, to: to - entry.start });
        }
      });
    });
    var marks = [];
    perNode.forEach(function (list, node) {
      // Split from the end of the node backwards so earlier offsets stay valid.
      list.sort(function (a, b) { return b.from - a.from; });
      list.forEach(function (p) {
        if (p.to < node.nodeValue.length) node.splitText(p.to);
        var middle = p.from > 0 ? node.splitText(p.from) : node;
        var mark = document.createElement("mark");
        middle.parentNode.replaceChild(mark, middle);
        mark.appendChild(middle);
        marks.push(mark);
      });
    });
    marks.sort(function (a, b) {
      return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    });
    return marks;
  }

  // ---------- tables ----------

  function isNumeric(value) {
    return typeof value === "number" || (typeof value === "string" && /^([-−+]?\s*€?\s*\d[\d.,]*\s*%?(\s.*)?|[-–])$/.test(value.trim()));
  }

  function formatCell(value) {
    if (value === null || value === undefined) return "";
    if (typeof value === "number") return NUMBER_FORMAT.format(value);
    return String(value);
  }

  function unitLabel(unit) {
    if (!unit) return "";
    return /€/.test(unit) ? "bedragen " + unit : unit;
  }

  /** Rows of cells [line, measure, year, kind, value]: the shape /api/sections gives today. */
  function isCellList(rows) {
    return rows.length > 0 && rows.every(function (r) {
      return Array.isArray(r) && r.length === 5 && typeof r[0] === "string" && typeof r[1] === "string" &&
        (r[2] === null || typeof r[2] === "number") && typeof r[3] === "string";
    });
  }

  /**
   * Turn cells into a grid: one row per (line, measure), one column per (kind, year).
   * Column names come from the table's own headers when one of them fits, otherwise "kind year".
   */
  function pivot(table) {
    var columns = Array.isArray(table.columns) ? table.columns : [];
    var keys = [];
    var byKey = {};
    var rows = [];
    var byRow = {};
    table.rows.forEach(function (cell, order) {
      var year = cell[2];
      var kind = cell[3];
      var key = kind + "|" + (year === null ? "" : year);
      if (!byKey[key]) {
        byKey[key] = { key: key, kind: kind, year: year, order: order };
        keys.push(byKey[key]);
      }
      var rowKey = cell[0] + "|" + cell[1];
      if (!byRow[rowKey]) {
        byRow[rowKey] = { headers: [cell[0], cell[1]], values: {} };
        rows.push(byRow[rowKey]);
      }
      byRow[rowKey].values[key] = cell[4];
    });
    keys.sort(function (a, b) {
      if (a.year !== b.year) return (a.year === null ? -1 : a.year) - (b.year === null ? -1 : b.year);
      return a.order - b.order;
    });
    keys.forEach(function (k) {
      var plain = (k.kind + " " + (k.year === null ? "" : k.year)).trim();
      var exact = columns.filter(function (c) { return norm(c) === norm(plain); });
      var sameYear = k.year === null ? [] : columns.filter(function (c) { return new RegExp("\\b" + k.year + "\\b").test(c); });
      k.label = exact[0] || (sameYear.length === 1 ? sameYear[0] : plain);
    });
    return {
      headerNames: ["Onderdeel"],
      columns: keys.map(function (k) { return { label: k.label, kind: k.kind, year: k.year }; }),
      rows: rows.map(function (r) {
        return { headers: r.headers, values: keys.map(function (k) { return Object.prototype.hasOwnProperty.call(r.values, k.key) ? r.values[k.key] : null; }) };
      })
    };
  }

  /** Any other shape: rows of values; cells beyond the named columns at the start are row headers. */
  function grid(table) {
    var columns = Array.isArray(table.columns) ? table.columns : [];
    var rows = Array.isArray(table.rows) ? table.rows.filter(Array.isArray) : [];
    var width = rows.reduce(function (w, r) { return Math.max(w, r.length); }, columns.length);
    var lead = Math.max(0, width - columns.length);
    var names = lead ? ["Onderdeel"] : [];
    var valueColumns = columns;
    if (lead === 0 && rows.length && rows.every(function (r) { return r.length && !isNumeric(r[0]); })) {
      // A first column of words is the row header; its name is the first column name.
      lead = 1;
      names = [columns[0] || "Onderdeel"];
      valueColumns = columns.slice(1);
    }
    return {
      headerNames: names,
      columns: valueColumns.map(function (c) { return { label: c, kind: null, year: null }; }),
      rows: rows.map(function (r) { return { headers: r.slice(0, lead).map(String), values: r.slice(lead) }; })
    };
  }

  var SUFFIXES = /(begroting|waarde|staat)$/;

  /** Soft hyphens in long compounds ("meerjaren-begroting"), so year columns fit without sideways scrolling. */
  function breakable(label) {
    return String(label).split(" ").map(function (word) {
      var m = SUFFIXES.exec(word);
      return m && word.length > m[0].length + 4 ? word.slice(0, m.index) + "\u00AD" + m[0] : word;
    }).join(" ");
  }

  function renderTable(table, index) {
    var model = isCellList(Array.isArray(table.rows) ? table.rows : []) ? pivot(table) : grid(table);
    var captionId = "tabel-" + (index + 1);
    var unit = unitLabel(table.unit);
    // The inner span stays in view while the table scrolls sideways on a small screen.
    var caption = el("caption", { id: captionId }, [el("span", { className: "caption-text" }, [
      table.title || "Tabel",
      unit ? el("span", { className: "unit", text: " (" + unit + ")" }) : null
    ])]);

    // Row headers of several parts (line and measure) share one cell, so a narrow screen keeps them in view.
    var headRow = el("tr");
    if (model.headerNames.length) headRow.appendChild(el("th", { scope: "col", text: model.headerNames[0] }));
    model.columns.forEach(function (c, i) {
      var numeric = model.rows.some(function (r) { return isNumeric(r.values[i]); });
      headRow.appendChild(el("th", {
        scope: "col",
        className: numeric ? "num" : null,
        "data-kind": c.kind,
        "data-year": c.year === null ? null : c.year,
        "data-label": c.label,
        text: breakable(c.label)
      }));
    });

    var body = el("tbody");
    model.rows.forEach(function (row) {
      var tr = el("tr", { "data-headers": JSON.stringify(row.headers) });
      if (row.headers.length) {
        var th = el("th", { scope: "row" });
        row.headers.forEach(function (h, i) {
          if (i > 0) th.appendChild(el("span", { className: "visually-hidden", text: " – " }));
          th.appendChild(el("span", { className: i === 0 ? "row-line" : "row-measure", text: h }));
        });
        tr.appendChild(th);
      }
      row.values.forEach(function (v) {
        tr.appendChild(el("td", { className: isNumeric(v) ? "num" : null, text: formatCell(v) }));
      });
      body.appendChild(tr);
    });

    var tableEl = el("table", { "data-title": table.title || "" }, [caption, el("thead", null, [headRow]), body]);
    return el("div", { className: "table-wrap", role: "region", "aria-labelledby": captionId, tabindex: "0" }, [tableEl]);
  }

  function markContents(cell) {
    var parts = cell.querySelectorAll(".row-line, .row-measure");
    if (parts.length) {
      // Mark inside each block-level part, so the highlight follows the text.
      var marks = Array.prototype.map.call(parts, markContents);
      return marks[0];
    }
    var mark = document.createElement("mark");
    while (cell.firstChild) mark.appendChild(cell.firstChild);
    cell.appendChild(mark);
    return mark;
  }

  function norm(s) {
    return String(s).toLowerCase().replace(/\s+/g, " ").trim();
  }

  function startsWithWord(text, word) {
    return text === word || (text.indexOf(word) === 0 && /[\s:(,]/.test(text.charAt(word.length)));
  }

  /**
   * Mark table cells named in the quote. Quotes look like
   * "Dienstverlening — Lasten 2027 (meerjarenbegroting): 14.984 × €1.000" or
   * "<table> — <row> — <measure> — <kind> <year>: <amount>":
   * the row is (Dienstverlening, Lasten), the column (meerjarenbegroting, 2027). Without a column the row is marked.
   */
  function highlightTables(root, quote) {
    var q = norm(quote);
    if (!q) return [];
    var marks = [];
    Array.prototype.forEach.call(root.querySelectorAll("table"), function (table) {
      var title = norm(table.getAttribute("data-title") || "");
      var rest = title && q.indexOf(title + " — ") === 0 ? q.slice(title.length + 3) : q;
      var segments = rest.split(/\s+[—–]\s+/);
      var headCells = Array.prototype.slice.call(table.querySelectorAll("thead th"));
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (tr) {
        var cells = Array.prototype.slice.call(tr.children);
        var headers = cells.filter(function (c) { return c.tagName === "TH"; });
        var names = [];
        try { names = JSON.parse(tr.getAttribute("data-headers") || "[]"); } catch (e) { names = []; }
        if (!headers.length || !names.length) return;
        var hit = names.every(function (h, i) {
          return segments[i] !== undefined && startsWithWord(segments[i], norm(h));
        });
        if (!hit) return;
        var columns = cells.filter(function (cell, i) {
          var head = headCells[i];
          if (cell.tagName !== "TD" || !head) return false;
          var kind = head.getAttribute("data-kind");
          var year = head.getAttribute("data-year");
          var names = [norm(head.getAttribute("data-label") || head.textContent)];
          if (kind && year) names.push(norm(kind + " " + year), norm(year + " (" + kind + ")"));
          return names.some(function (n) { return n && q.indexOf(n) !== -1; });
        });
        tr.classList.add("row-hit");
        var targets = columns.length ? columns : cells.filter(function (c) { return c.tagName === "TD" && c.textContent; });
        headers.concat(targets).forEach(function (cell) { marks.push(markContents(cell)); });
      });
    });
    return marks;
  }

  // ---------- page ----------

  function renderBreadcrumb(section) {
    var list = el("ol");
    list.appendChild(el("li", { text: (section.document_title || BW.documentTitle(section.document)) }));
    // The last part of the path is this section itself: it is the heading right below.
    var path = Array.isArray(section.path) ? section.path.slice(0, -1) : [];
    path.forEach(function (name, i) {
      var item = i === path.length - 1 && section.parent_id
        ? el("a", { href: BW.sectionPath(section.parent_id), text: name })
        : document.createTextNode(name);
      list.appendChild(el("li", null, [item]));
    });
    crumbs.appendChild(list);
    crumbs.hidden = false;
  }

  function setBackLink() {
    var ref = document.referrer;
    if (!ref) return;
    try {
      var url = new URL(ref);
      if (url.origin !== window.location.origin) return;
      if (url.pathname === "/kcc") {
        backLink.href = url.pathname + url.search;
        backLink.textContent = "Terug naar zoeken";
      } else if (url.pathname === "/") {
        backLink.textContent = "Terug naar het gesprek";
      }
    } catch (e) {
      /* keep the default link */
    }
  }

  function render(section, quote) {
    var label = BW.sectionLabel(section);
    document.title = label + " – Begrotingswijzer";
    heading.textContent = label;
    renderBreadcrumb(section);

    var lines = section.line_start ? " · regels " + section.line_start + "–" + section.line_end + " van de brontekst" : "";
    meta.textContent = "Uit: " + (section.document_title || BW.documentTitle(section.document)) + lines;
    meta.hidden = false;

    var tables = Array.isArray(section.tables) ? section.tables : [];
    textBox.appendChild(renderText(section.text, tables.length > 0));
    if (tables.length) {
      tablesBox.appendChild(el("h2", { text: tables.length === 1 ? "Tabel" : "Tabellen" }));
      tables.forEach(function (t, i) { tablesBox.appendChild(renderTable(t, i)); });
    }
    if (!String(section.text || "").trim() && !tables.length) {
      textBox.appendChild(el("p", { className: "hint", text: "Dit onderdeel heeft zelf geen tekst. Kies hieronder een onderdeel." }));
    }

    var children = Array.isArray(section.children) ? section.children : [];
    children.forEach(function (c) {
      childrenList.appendChild(el("li", null, [el("a", { href: BW.sectionPath(c.id), text: BW.sectionLabel(c) })]));
    });
    childrenBox.hidden = children.length === 0;

    if (quote) showQuote(quote);
    // After highlighting (which matches the plain text): budget words in the prose get an explanation.
    if (BW.loadTerms) BW.loadTerms().then(function (list) { BW.explainTerms(textBox, list, 8); });
  }

  /** Highlight the quote: in the prose first, then in the tables, then in a table's written-out copy. */
  function showQuote(quote) {
    var marks = highlight(textBox, quote);
    var inProse = marks.filter(function (m) { return !m.closest("details"); });
    var inTables = highlightTables(tablesBox, quote);
    var first = inProse[0] || inTables[0] || marks[0];
    quoteNote.className = "quote-note notice";
    quoteNote.hidden = false;
    if (!first) {
      quoteNote.appendChild(el("p", { text: "Het antwoord is gebaseerd op deze tekst:" }));
      quoteNote.appendChild(el("blockquote", { text: quote }));
      return;
    }
    var details = first.closest("details");
    if (details) details.open = true;
    first.id = "citaat";
    first.setAttribute("tabindex", "-1");
    quoteNote.appendChild(el("p", null, [
      first.closest("table") ? "Het antwoord komt uit de tabel hieronder. De gevonden cijfers zijn geel gemarkeerd. " :
        "Het antwoord komt uit de tekst die geel is gemarkeerd. ",
      el("a", { href: "#citaat", text: first.closest("table") ? "Ga naar de gemarkeerde cijfers" : "Ga naar de gemarkeerde tekst" })
    ]));
    first.scrollIntoView({ block: "center" });
    var lastInRow = first.closest("tr") ? inTables.filter(function (m) { return m.closest("tr") === first.closest("tr"); }).pop() : null;
    if (lastInRow && lastInRow.closest("td")) {
      lastInRow.scrollIntoView({ block: "center", inline: "center" });
      clearStickyColumn(lastInRow.closest("td"));
    }
  }

  /** Scroll the table sideways so the cell is not hidden under the sticky first column (nor off the right edge). */
  function clearStickyColumn(cell) {
    var wrap = cell.closest(".table-wrap");
    var sticky = cell.parentNode.querySelector("th");
    if (!wrap || !sticky) return;
    var gap = 8;
    var cellBox = cell.getBoundingClientRect();
    var stickyRight = sticky.getBoundingClientRect().right;
    var wrapRight = wrap.getBoundingClientRect().right;
    if (cellBox.left < stickyRight + gap) wrap.scrollLeft -= stickyRight + gap - cellBox.left;
    else if (cellBox.right > wrapRight - gap) wrap.scrollLeft += Math.min(cellBox.right - wrapRight + gap, cellBox.left - stickyRight - gap);
  }

  function start() {
    setBackLink();
    var id = sectionIdFromLocation();
    var quote = new URLSearchParams(window.location.search).get("q") || "";
    BW.fetchJson("/api/sections/" + encodeURIComponent(id)).then(function (section) {
      loading.textContent = "";
      loading.hidden = true;
      render(section, quote);
    }, function (err) {
      loading.textContent = "";
      loading.hidden = true;
      heading.textContent = err && err.status === 404 ? "Onderdeel niet gevonden" : "Onderdeel niet geladen";
      document.title = heading.textContent + " – Begrotingswijzer";
      errorBox.textContent = (err && err.message) || BW.UNREACHABLE;
    }).then(function () {
      main.removeAttribute("aria-busy");
    });
  }

  start();
})();
