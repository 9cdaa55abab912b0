/* Jargon explained inline: budget terms in a text become a button (aria-expanded) that opens its plain-Dutch
   explanation right after the word. The terms come from GET /api/begrippen (the Begrippenlijst, general
   knowledge, never presented as budget text). Same matching rules as knowledge/begrippen.py. */
(function () {
  "use strict";

  var BW = window.BW;
  var el = BW.el;
  var loaded = null;
  var counter = 0;
  var SKIP = "a, button, mark, summary, h1, h2, h3, h4, table, .term-explanation, .series, .table-text, .msg-who";

  function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function key(text) {
    return String(text).normalize("NFKC").toLowerCase().replace(/×/g, "x").replace(/€\s+/g, "€")
      .replace(/\s+/g, " ").trim();
  }

  function namePattern(name) {
    if (name.indexOf("€") !== -1) {
      return name.replace(/\s+/g, "").split("").map(function (ch) {
        return ch === "×" ? "[×x]" : escapeRegExp(ch);
      }).join("\\s*");
    }
    return name.trim().split(/\s+/).map(escapeRegExp).join("\\s+");
  }

  function build(data) {
    var terms = data && Array.isArray(data.terms) ? data.terms : [];
    var byKey = {};
    var names = [];
    terms.forEach(function (t) {
      [t.term].concat(Array.isArray(t.synonyms) ? t.synonyms : []).forEach(function (name) {
        if (!name || byKey[key(name)]) return;
        byKey[key(name)] = t;
        names.push(name);
      });
    });
    names.sort(function (a, b) { return b.length - a.length; });
    var pattern = names.length
      ? new RegExp("(?<![\\p{L}\\p{N}_-])(?:" + names.map(namePattern).join("|") + ")(?![\\p{L}\\p{N}_-])", "giu")
      : null;
    return {
      source: (data && data.source) || "Begrippenlijst",
      pattern: pattern,
      lookup: function (word) { return byKey[key(word)] || null; }
    };
  }

  /** The begrippenlijst, fetched once per page. */
  function loadTerms() {
    if (!loaded) {
      loaded = BW.fetchJson("/api/begrippen").then(build, function () { loaded = null; return build(null); });
    }
    return loaded;
  }

  function termControl(word, term, source) {
    var id = "uitleg-" + (++counter);
    var button = el("button", {
      type: "button",
      className: "term-toggle",
      "aria-expanded": "false",
      "aria-controls": id,
      "data-term": term.term,
      text: word
    });
    var explanation = el("span", { className: "term-explanation", id: id, role: "note", hidden: true }, [
      el("span", { className: "term-name", text: term.term.charAt(0).toUpperCase() + term.term.slice(1) + ": " }),
      term.explanation + " ",
      el("span", { className: "term-source", text: "(Uitleg uit de " + source + ", geen tekst uit de begroting.)" })
    ]);
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      explanation.hidden = !open;
    });
    button.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        event.preventDefault();
        button.click();
      }
    });
    var wrap = el("span", { className: "term" }, [button, explanation]);
    return wrap;
  }

  /**
   * Make the first mention of each term in root an explainable word (at most `limit` terms).
   * Text in links, buttons, marks, headings and tables is left alone. Returns the number of terms.
   */
  function explainTerms(root, list, limit) {
    if (!root || !list || !list.pattern) return 0;
    var max = typeof limit === "number" ? limit : 4;
    var done = {};
    var count = 0;
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        var parent = node.parentElement;
        return parent && !parent.closest(SKIP) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT;
      }
    });
    var nodes = [];
    var node;
    while ((node = walker.nextNode())) nodes.push(node);
    nodes.forEach(function (textNode) {
      if (count >= max) return;
      var text = textNode.nodeValue;
      list.pattern.lastIndex = 0;
      var pieces = [];
      var last = 0;
      var m;
      while ((m = list.pattern.exec(text)) && count < max) {
        var term = list.lookup(m[0]);
        if (!term || done[term.term]) continue;
        done[term.term] = true;
        count += 1;
        if (m.index > last) pieces.push(document.createTextNode(text.slice(last, m.index)));
        pieces.push(termControl(m[0], term, list.source));
        last = m.index + m[0].length;
      }
      if (!pieces.length) return;
      if (last < text.length) pieces.push(document.createTextNode(text.slice(last)));
      var parent = textNode.parentNode;
      pieces.forEach(function (p) { parent.insertBefore(p, textNode); });
      parent.removeChild(textNode);
    });
    return count;
  }

  BW.loadTerms = loadTerms;
  BW.explainTerms = explainTerms;
})();
