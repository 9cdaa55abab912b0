/* KCC lookup: search as you type over GET /api/search, show the short answer with a
   "Kopieer antwoord" button (answer + source line) and the ranked sections. Keyboard first. */
(function () {
  "use strict";

  var BW = window.BW;
  var el = BW.el;
  var DEBOUNCE_MS = 200;
  var MIN_LENGTH = 2;

  var form = document.getElementById("zoekformulier");
  var input = document.getElementById("zoekterm");
  var documentSelect = document.getElementById("document");
  // With more than one budget in the index, staff can search within one of them.
  if (documentSelect) {
    BW.fetchJson("/api/documents").then(function (docs) {
      if (!Array.isArray(docs) || docs.length < 2) return;
      docs.forEach(function (d) {
        var option = document.createElement("option");
        option.value = d.id;
        option.textContent = d.label || d.title || d.id;
        documentSelect.appendChild(option);
      });
      document.getElementById("document-keuze").hidden = false;
    }, function () { /* the search works without the choice */ });
    documentSelect.addEventListener("change", function () { if (input.value.trim()) search(true); });
  }
  var statusBox = document.getElementById("zoekstatus");
  var errorBox = document.getElementById("zoekfout");
  var answerBox = document.getElementById("antwoord");
  var answerText = document.getElementById("antwoord-tekst");
  var answerSource = document.getElementById("antwoord-bron");
  var answerChart = document.getElementById("antwoord-grafiek");
  var copyButton = document.getElementById("kopieer");
  var copyStatus = document.getElementById("kopieer-status");
  var resultsBlock = document.getElementById("resultaten-blok");
  var resultsList = document.getElementById("resultaten");

  var timer = null;
  var controller = null;
  var lastQuery = null;
  var copyPayload = "";

  // ---------- copy text ----------

  function documentName(c) {
    return c.document_title || BW.documentTitle(c.document);
  }

  function sourceLine(c) {
    return documentName(c) + ", " + BW.sectionLabel(c) + " (" + BW.sectionUrl(c.section_id, c.url) + ")";
  }

  /** "<answer> — Bron: <document>, <code> <title> (http://…/sections/…)" */
  function buildCopyText(answer) {
    var text = String(answer.answer || "").trim();
    var citations = Array.isArray(answer.citations) ? answer.citations.filter(function (c) { return c && c.section_id; }) : [];
    if (!citations.length) return text;
    if (citations.length === 1) {
      return text.replace(/\s*\[\d+\]/g, "") + " — Bron: " + sourceLine(citations[0]);
    }
    return text + " — Bronnen: " + citations.map(function (c, i) {
      return "[" + (c.n || i + 1) + "] " + sourceLine(c);
    }).join("; ");
  }

  // ---------- rendering ----------

  function clearChildren(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function hasOptions(answer) {
    return !!(answer && answer.clarify && Array.isArray(answer.clarify.options) && answer.clarify.options.length);
  }

  // ---------- what staff need to hear ----------

  var YEAR = /\b(?:19|20)\d{2}\b/g;
  var FILLER = /^(?:(?:wat|wie|waar)\s+(?:is|zijn|doet|doen|betekent|valt\s+onder)\s+|(?:informatie\s+)?over\s+)(?:de\s+|het\s+|een\s+)?/;
  // Sentences written for residents ("bel het KCC …"): staff are the KCC, so these are left out.
  var RESIDENT_ONLY = /\bbel\b|14 ?071|geen verkeerd antwoord|helpt u graag|gebruik de chat|kijk op|staat niets in de begroting/i;

  function norm(s) {
    return String(s || "").toLowerCase().replace(/[‘’'"“”?!.]+/g, " ").replace(/\s+/g, " ").trim();
  }

  function sentences(text) {
    return String(text || "").replace(/\s+/g, " ").split(/(?<=[.!?])\s+(?=[A-Z0-9À-Ý‘'"(])/).filter(function (x) { return x.trim(); });
  }

  /** The years named in the query, in order. */
  function yearsIn(query) {
    return (String(query).match(YEAR) || []).map(Number);
  }

  /** results[0] when the query names it (its code, its title, or both), apart from a year and "wat is". */
  function namedSection(query, results) {
    var first = results[0];
    if (!first) return null;
    var q = norm(norm(query).replace(YEAR, " ")).replace(FILLER, "").trim();
    if (q.length < 2) return null;
    var names = [first.code, first.title, first.code && first.title ? first.code + " " + first.title : ""].filter(Boolean).map(norm);
    return names.indexOf(q) !== -1 ? first : null;
  }

  function isHeadingLike(block) {
    var t = block.trim();
    return t.indexOf("\n") === -1 && t.length <= 90 && !/[.:;,?!)]$/.test(t);
  }

  /** The paragraphs of a section's own text (headings and written-out table rows left out). */
  function paragraphs(text) {
    return String(text || "").split(/\n\s*\n/).map(function (b) { return b.trim(); }).filter(function (b) {
      return b && !isHeadingLike(b) && !/^.+ — .+?: \d{4}\b/.test(b);
    }).map(function (b) { return b.replace(/\s*\n\s*/g, " "); });
  }

  function sectionCitation(n, result, section, quote) {
    return {
      n: n, section_id: result.section_id, code: result.code, title: result.title, path: result.path,
      document: result.document, document_title: result.document_title || section.document_title,
      url: result.url, quote: quote
    };
  }

  /** What the service says, without the lines meant for residents. */
  function staffText(text) {
    return sentences(text).filter(function (x) { return !RESIDENT_ONLY.test(x); }).join(" ");
  }

  /**
   * The short answer for a section code or a partner organisation: what the section is (its opening
   * paragraph), then what it says about a year in the query, or that it says nothing apart about that year.
   */
  function lookupAnswer(query, result, section, service) {
    var parts = paragraphs(section.text);
    if (!parts.length) return null;
    var opening = parts[0];
    var citations = [sectionCitation(1, result, section, opening)];
    var lines = [opening];
    var years = yearsIn(query);
    var year = years.length ? years[years.length - 1] : null;
    if (year !== null) {
      var said = sentences(parts.slice(1).join(" ")).filter(function (x) { return x.indexOf(String(year)) !== -1; });
      var serviceText = service ? staffText(service.answer) : "";
      if (said.length) {
        lines.push("Over " + year + ": " + said.slice(0, 3).join(" "));
      } else if (service && serviceText && serviceText.indexOf(String(year)) !== -1) {
        lines.push("Over " + year + ": " + serviceText.replace(/\s*\[\d+\]/g, ""));
        (Array.isArray(service.citations) ? service.citations : []).forEach(function (c) {
          if (c && c.section_id && c.section_id !== result.section_id) citations.push(Object.assign({}, c, { n: citations.length + 1 }));
        });
      } else {
        lines.push("Over " + year + " staat in dit onderdeel niets apart.");
      }
    }
    return { answered: true, method: "lookup", answer: lines.join("\n\n"), citations: citations,
             series: service && service.answered ? service.series : null };
  }

  /** The referral for staff when the budget has no answer: the website the service names, if any. */
  function referral(text) {
    var m = /https?:\/\/[^\s,]+/.exec(String(text || ""));
    var site = "";
    if (m) {
      try { site = new URL(m[0].replace(/[.)]+$/, "")).host; } catch (e) { site = ""; }
    }
    return "Geen antwoord in de begroting gevonden — verwijs naar de vakafdeling" + (site ? " of naar " + site : "") + ".";
  }

  function renderAnswer(answer) {
    clearChildren(answerSource);
    clearChildren(answerChart);
    copyStatus.textContent = "";
    if (!answer || !String(answer.answer || "").trim()) {
      answerBox.hidden = true;
      copyPayload = "";
      return;
    }
    answerBox.hidden = false;
    answerBox.classList.toggle("unanswered", !answer.answered);
    var staffNoAnswer = !answer.answered && !hasOptions(answer);
    if (staffNoAnswer) {
      var reason = staffText(answer.answer);
      answerText.textContent = referral(answer.answer) + (reason ? "\n" + reason : "");
    } else {
      answerText.textContent = answer.answer;
    }
    var figure = answer.series && BW.seriesFigure ? BW.seriesFigure(answer.series) : null;
    if (figure) answerChart.appendChild(figure);
    if (BW.loadTerms && !staffNoAnswer) {
      var shown = answerText.textContent;
      BW.loadTerms().then(function (list) {
        if (answerText.textContent === shown) BW.explainTerms(answerText, list, 4);
      });
    }
    var citations = Array.isArray(answer.citations) ? answer.citations.filter(function (c) { return c && c.section_id; }) : [];
    if (citations.length) {
      answerSource.appendChild(document.createTextNode(citations.length === 1 ? "Bron: " : "Bronnen: "));
      citations.forEach(function (c, i) {
        if (i > 0) answerSource.appendChild(document.createTextNode("; "));
        var label = (citations.length > 1 ? "[" + (c.n || i + 1) + "] " : "") + documentName(c) + ", " + BW.sectionLabel(c);
        answerSource.appendChild(el("a", { href: BW.sectionPath(c.section_id, c.quote || ""), text: label }));
      });
    } else if (staffNoAnswer) {
      answerSource.textContent = "Bekijk hieronder wat de begroting wel over dit onderwerp zegt.";
    }
    if (hasOptions(answer)) {
      // A question back: each reading is a full question; choosing one searches it.
      var options = el("div", { className: "msg-buttons clarify-options", role: "group", "aria-label": "Kies wat u bedoelt" });
      answer.clarify.options.forEach(function (o) {
        options.appendChild(el("button", {
          type: "button",
          className: "btn secondary small",
          text: o.label,
          onclick: function () { input.value = o.question; search(true); input.focus(); }
        }));
      });
      answerSource.appendChild(options);
    }
    // Only an answer is worth copying for a resident.
    copyPayload = answer.answered ? buildCopyText(answer) : "";
    copyButton.hidden = !copyPayload;
    copyButton.setAttribute("data-copy", copyPayload);
  }

  var SNIPPET_MAX = 280;

  function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  /** The snippet, shortened, with the searched words marked (text nodes and <mark>, never HTML). */
  function snippetParagraph(snippet, query) {
    var text = String(snippet).replace(/\s+/g, " ").trim();
    if (text.length > SNIPPET_MAX) {
      var cut = text.lastIndexOf(" ", SNIPPET_MAX);
      text = text.slice(0, cut > SNIPPET_MAX / 2 ? cut : SNIPPET_MAX) + " …";
    }
    var terms = query.toLowerCase().split(/[^\p{L}\p{N}.]+/u).filter(function (t) { return t.length >= 3; });
    var p = el("p", { className: "result-snippet" });
    if (!terms.length) {
      p.textContent = text;
      return p;
    }
    var pattern = new RegExp("(" + terms.map(escapeRegExp).join("|") + ")", "giu");
    text.split(pattern).forEach(function (part, i) {
      if (!part) return;
      p.appendChild(i % 2 === 1 ? el("mark", { className: "term", text: part }) : document.createTextNode(part));
    });
    return p;
  }

  function renderResults(results, query, answer) {
    clearChildren(resultsList);
    results.forEach(function (r, i) {
      var link = el("a", {
        href: BW.sectionPath(r.section_id, r.snippet || ""),
        className: "result-link",
        "data-index": String(i),
        text: BW.sectionLabel(r)
      });
      var path = Array.isArray(r.path) ? r.path.slice(0, -1) : [];
      resultsList.appendChild(el("li", { className: "result" }, [
        el("h3", { className: "result-title" }, [link]),
        path.length ? el("p", { className: "result-path" }, [
          el("span", { className: "visually-hidden", text: "Plaats in de begroting: " }),
          path.join(" › ")
        ]) : null,
        r.snippet ? snippetParagraph(r.snippet, query) : null
      ]));
    });
    resultsBlock.hidden = results.length === 0;
    var count = results.length === 1 ? "1 resultaat" : results.length + " resultaten";
    var about = "";
    if (hasOptions(answer)) about = " Kies hieronder wat de inwoner bedoelt.";
    else if (answer && answer.answered && !answerBox.hidden) about = " Er is een kort antwoord.";
    else about = " Geen antwoord in de begroting gevonden.";
    statusBox.textContent = results.length
      ? count + " voor ‘" + query + "’." + about
      : "Geen resultaten voor ‘" + query + "’." + about + " Probeer andere woorden of een code zoals 1B1.4.";
  }

  function resetView(message) {
    if (controller) controller.abort();
    clearChildren(resultsList);
    resultsBlock.hidden = true;
    answerBox.hidden = true;
    copyPayload = "";
    errorBox.textContent = "";
    statusBox.textContent = message || "";
    lastQuery = null;
  }

  // ---------- searching ----------

  function syncUrl(query) {
    var url = new URL(window.location.href);
    if (query) url.searchParams.set("q", query);
    else url.searchParams.delete("q");
    window.history.replaceState(null, "", url.pathname + url.search);
  }

  function search(force) {
    clearTimeout(timer);
    var query = input.value.trim();
    if (query.length < MIN_LENGTH) {
      syncUrl("");
      resetView(query.length ? "Typ minstens 2 tekens." : "");
      return;
    }
    if (!force && query === lastQuery) return;
    lastQuery = query;
    syncUrl(query);
    if (controller) controller.abort();
    controller = typeof AbortController === "function" ? new AbortController() : null;
    var mine = controller;
    answerBox.setAttribute("aria-busy", "true");
    var chosen = documentSelect && documentSelect.value ? "&document=" + encodeURIComponent(documentSelect.value) : "";
    BW.fetchJson("/api/search?k=5&q=" + encodeURIComponent(query) + chosen, { signal: mine ? mine.signal : undefined })
      .then(function (data) {
        if (mine !== controller) return undefined;
        var results = Array.isArray(data && data.results) ? data.results : [];
        var service = data && data.answer;
        var named = hasOptions(service) ? null : namedSection(query, results);
        function show(answer) {
          if (mine !== controller) return;
          errorBox.textContent = "";
          renderAnswer(answer);
          renderResults(results, query, answer);
        }
        if (!named) {
          show(service);
          return undefined;
        }
        // A section code or a partner organisation: start with what that section is.
        return BW.fetchJson("/api/sections/" + encodeURIComponent(named.section_id), { signal: mine ? mine.signal : undefined })
          .then(function (section) { show(lookupAnswer(query, named, section, service) || service); },
                function (err) { if (!(err && err.name === "AbortError")) show(service); });
      })
      .then(undefined, function (err) {
        if (err && err.name === "AbortError") return;
        if (mine !== controller) return;
        lastQuery = null;
        clearChildren(resultsList);
        resultsBlock.hidden = true;
        answerBox.hidden = true;
        statusBox.textContent = "";
        errorBox.textContent = (err && err.message) || BW.UNREACHABLE;
      })
      .then(function () {
        if (mine === controller) answerBox.removeAttribute("aria-busy");
      });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(false); }, DEBOUNCE_MS);
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    search(true);
  });

  // ---------- copy ----------

  copyButton.addEventListener("click", function () {
    if (!copyPayload) return;
    var text = copyPayload;
    BW.copyText(text).then(function () {
      copyStatus.textContent = "Gekopieerd: het antwoord en de bron staan op het klembord.";
    }, function () {
      copyStatus.textContent = "Kopiëren lukte niet. Selecteer de tekst en kopieer die zelf.";
    });
  });

  // ---------- keyboard ----------

  function resultLinks() {
    return Array.prototype.slice.call(resultsList.querySelectorAll("a.result-link"));
  }

  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") {
      var links = resultLinks();
      if (links.length) {
        event.preventDefault();
        links[0].focus();
      }
    } else if (event.key === "Escape") {
      if (input.value) {
        event.preventDefault();
        input.value = "";
        syncUrl("");
        resetView("Het zoekveld is leeg.");
      }
    }
  });

  resultsList.addEventListener("keydown", function (event) {
    var links = resultLinks();
    var i = links.indexOf(document.activeElement);
    if (i === -1) return;
    if (event.key === "ArrowDown" && i < links.length - 1) {
      event.preventDefault();
      links[i + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (i > 0) links[i - 1].focus();
      else input.focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      input.focus();
      input.select();
    }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable);
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      input.focus();
      input.select();
    }
  });

  // ---------- start ----------

  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    search(true);
  }
  input.focus();
})();
