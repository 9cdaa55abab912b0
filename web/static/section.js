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

  /** Paragraphs, bullet lists and short lead-in lines as sub-headings, all as text nodes. */
  function renderText(text) {
    var frag = document.createDocumentFragment();
    var blocks = String(text || "").split(/\n\s*\n/).map(function (b) { return b.replace(/^\n+|\n+$/g, ""); })
      .filter(function (b) { return b.trim(); });
    blocks.forEach(function (block, i) {
      var lines = block.split("\n").filter(function (l) { return l.trim(); });
      if (lines.every(function (l) { return BULLET.test(l); })) {
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
    return typeof value === "number" || (typeof value === "string" && /^[-−+]?\s*[\d.,]+\s*%?$/.test(value.trim()));
  }

  function formatCell(value) {
    if (value === null || value === undefined || value === "") return "–";
    if (typeof value === "number") return NUMBER_FORMAT.format(value);
    return String(value);
  }

  function unitLabel(unit) {
    if (!unit) return "";
    return /€/.test(unit) ? "bedragen " + unit : unit;
  }

  var ROW_HEADER_NAMES = { 1: ["Onderdeel"], 2: ["Onderdeel", "Soort"] };

  function renderTable(table, index) {
    var columns = Array.isArray(table.columns) ? table.columns : [];
    var rows = Array.isArray(table.rows) ? table.rows : [];
    var width = rows.reduce(function (w, r) { return Math.max(w, Array.isArray(r) ? r.length : 0); }, columns.length);
    var lead = Math.max(0, width - columns.length);
    var headerNames = ROW_HEADER_NAMES[lead] || Array.from({ length: lead }, function (_, i) { return "Kolom " + (i + 1); });
    // Without extra leading cells, a first column of words is still the row header.
    var firstIsHeader = lead > 0 || (rows.length > 0 && rows.every(function (r) { return Array.isArray(r) && r.length && !isNumeric(r[0]); }));

    var captionId = "tabel-" + (index + 1);
    var caption = el("caption", { id: captionId }, [table.title || "Tabel"]);
    var unit = unitLabel(table.unit);
    if (unit) caption.appendChild(el("span", { className: "unit", text: " (" + unit + ")" }));

    var headRow = el("tr");
    headerNames.forEach(function (name) { headRow.appendChild(el("th", { scope: "col", text: name })); });
    columns.forEach(function (name, i) {
      var numericColumn = rows.some(function (r) { return isNumeric(r[lead + i]); });
      headRow.appendChild(el("th", { scope: "col", className: numericColumn ? "num" : null, text: name }));
    });

    var body = el("tbody");
    rows.forEach(function (row) {
      if (!Array.isArray(row)) return;
      var tr = el("tr");
      row.forEach(function (value, i) {
        var header = i < lead || (lead === 0 && i === 0 && firstIsHeader);
        tr.appendChild(el(header ? "th" : "td", {
          scope: header ? "row" : null,
          className: !header && isNumeric(value) ? "num" : null,
          text: formatCell(value)
        }));
      });
      body.appendChild(tr);
    });

    var tableEl = el("table", null, [caption, el("thead", null, [headRow]), body]);
    return el("div", { className: "table-wrap", role: "region", "aria-labelledby": captionId, tabindex: "0" }, [tableEl]);
  }

  // ---------- page ----------

  function renderBreadcrumb(section) {
    var list = el("ol");
    list.appendChild(el("li", { text: section.document || BW.DOCUMENT_NAME }));
    var path = Array.isArray(section.path) ? section.path : [];
    path.forEach(function (name, i) {
      var item;
      if (i === path.length - 1) item = el("span", { "aria-current": "page", text: name });
      else if (i === path.length - 2 && section.parent_id) item = el("a", { href: BW.sectionPath(section.parent_id), text: name });
      else item = document.createTextNode(name);
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
    meta.textContent = "Uit: " + (section.document || BW.DOCUMENT_NAME) + lines;
    meta.hidden = false;

    textBox.appendChild(renderText(section.text));
    var tables = Array.isArray(section.tables) ? section.tables : [];
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

    if (quote) {
      var marks = highlight(textBox, quote);
      if (!marks.length) marks = highlight(tablesBox, quote);
      if (marks.length) {
        marks[0].id = "citaat";
        marks[0].setAttribute("tabindex", "-1");
        quoteNote.appendChild(el("p", null, [
          "Het antwoord komt uit de tekst die geel is gemarkeerd. ",
          el("a", { href: "#citaat", text: "Ga naar de gemarkeerde tekst" })
        ]));
        quoteNote.className = "quote-note notice";
        quoteNote.hidden = false;
        marks[0].scrollIntoView({ block: "center" });
      } else {
        quoteNote.appendChild(el("p", { text: "Het antwoord is gebaseerd op deze tekst:" }));
        quoteNote.appendChild(el("blockquote", { text: quote }));
        quoteNote.className = "quote-note notice";
        quoteNote.hidden = false;
      }
    }
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
