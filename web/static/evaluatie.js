/* Evaluators' page: every piece of data comes from staff-only endpoints (/api/review/*), with the staff
   credentials of staff.js; without them a login form is shown. Turns are marked right or wrong with
   PUT /api/review/turns/{id} (the section is checked against the index by the service). */
(function () {
  "use strict";

  var BW = window.BW;
  var el = BW.el;

  var status = document.getElementById("evaluatie-status");
  var errorBox = document.getElementById("evaluatie-fout");
  var login = document.getElementById("evaluatie-login");
  var content = document.getElementById("evaluatie-inhoud");
  var reportBox = document.getElementById("rapport");
  var topicsList = document.getElementById("onbeantwoord");
  var feedbackBox = document.getElementById("feedback-blok");
  var turnsList = document.getElementById("beurten");
  var sectionList = document.getElementById("onderdelen");
  var reportUrl = null;

  function times(n) {
    return n === 1 ? "1 keer" : n + " keer";
  }

  function showReport(report) {
    reportBox.textContent = "";
    if (!report || !report.name) {
      reportBox.textContent = "Er is nog geen testrapport. Maak er een met ‘make eval’.";
      return Promise.resolve();
    }
    return BW.staff.fetch(report.url, { text: true }).then(function (html) {
      if (reportUrl) URL.revokeObjectURL(reportUrl);
      reportUrl = URL.createObjectURL(new Blob([html], { type: "text/html" }));
      reportBox.appendChild(document.createTextNode("Gemaakt op " + String(report.modified).replace("T", " ") + ". "));
      reportBox.appendChild(el("a", { id: "rapport-link", href: reportUrl, download: report.name,
                                      text: "Download het rapport (" + report.name + ")" }));
    });
  }

  function showTopics(topics) {
    topicsList.textContent = "";
    if (!topics.length) {
      topicsList.appendChild(el("li", { text: "Er zijn nog geen vragen zonder antwoord bewaard." }));
      return;
    }
    topics.forEach(function (group) {
      topicsList.appendChild(el("li", { className: "topic" }, [
        el("strong", { text: group.topic }), " (" + times(group.count) + ")",
        el("ul", null, group.questions.map(function (q) {
          return el("li", { text: q.question + " (" + times(q.count) + ")" });
        }))
      ]));
    });
  }

  function showWeeks(weeks) {
    feedbackBox.textContent = "";
    if (!weeks.length) {
      feedbackBox.appendChild(el("p", { text: "Er is nog geen feedback gegeven." }));
      return;
    }
    var rows = weeks.map(function (w) {
      var parts = String(w.week).split("-W");
      var label = parts.length === 2 ? "Week " + Number(parts[1]) + ", " + parts[0] : String(w.week);
      return el("tr", null, [el("th", { scope: "row", text: label }), el("td", { text: String(w.helped) }),
                             el("td", { text: String(w.not_helped) })]);
    });
    feedbackBox.appendChild(el("table", { className: "series-table", id: "feedback-tabel" }, [
      el("caption", { text: "Aantal keer ‘hielp wel’ en ‘hielp niet’ per week (nieuwste week eerst)" }),
      el("thead", null, [el("tr", null, [el("th", { scope: "col", text: "Week" }),
                                         el("th", { scope: "col", text: "Hielp wel" }),
                                         el("th", { scope: "col", text: "Hielp niet" })])]),
      el("tbody", null, rows)
    ]));
  }

  function reviewForm(turn) {
    var id = "beurt-" + turn.id;
    var review = turn.review || {};
    function radio(value, label) {
      return el("label", { className: "choice" }, [
        el("input", { type: "radio", name: id + "-oordeel", value: value,
                      checked: turn.review ? (value === "goed") === review.correct : false }), " " + label]);
    }
    var section = el("input", { id: id + "-onderdeel", className: "input", type: "text", list: "onderdelen",
                                maxlength: "300", spellcheck: "false", value: review.section_id || "" });
    var saved = el("span", { className: "copy-status", role: "status" });
    var form = el("form", { className: "review-form", novalidate: true }, [
      el("fieldset", null, [el("legend", { text: "Was dit antwoord goed?" }), radio("goed", "Goed"), radio("fout", "Fout")]),
      el("div", { className: "field" }, [
        el("label", { for: section.id, text: "Onderdeel met het goede antwoord (niet verplicht)" }), section]),
      el("button", { type: "submit", className: "btn", text: "Beoordeling opslaan" }), saved
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = form.querySelector("input[type=radio]:checked");
      section.removeAttribute("aria-invalid");
      if (!chosen) {
        saved.textContent = "Kies eerst ‘Goed’ of ‘Fout’.";
        form.querySelector("input[type=radio]").focus();
        return;
      }
      saved.textContent = "Opslaan …";
      BW.staff.fetch("/api/review/turns/" + turn.id, {
        method: "PUT", body: { correct: chosen.value === "goed", section_id: section.value.trim() || null }
      }).then(function () {
        saved.textContent = "Opgeslagen.";
      }, function (error) {
        if (error.status === 422) section.setAttribute("aria-invalid", "true");
        saved.textContent = error.message;
      });
    });
    return form;
  }

  function showTurns(turns) {
    turnsList.textContent = "";
    if (!turns.length) {
      turnsList.appendChild(el("li", { text: "Er zijn nog geen gesprekken bewaard." }));
      return;
    }
    turns.forEach(function (t) {
      var sources = (t.citations || []).filter(function (c) { return c && c.section_id; });
      turnsList.appendChild(el("li", { className: "turn" + (t.answered ? "" : " turn-unanswered"), id: "beurt-" + t.id }, [
        el("p", { className: "turn-question" }, [el("strong", { text: "Vraag: " }), t.question]),
        el("p", { className: "turn-answer" }, [el("strong", { text: "Antwoord: " }),
                                               t.answered ? t.answer : "(geen antwoord gegeven)"]),
        sources.length ? el("p", { className: "hint" }, ["Bronnen: " + sources.map(function (c) {
          return BW.sectionLabel(c) || c.section_id;
        }).join("; ")]) : null,
        reviewForm(t)
      ]));
    });
  }

  function showSections(sections) {
    sectionList.textContent = "";
    sections.forEach(function (s) {
      sectionList.appendChild(el("option", { value: s.id, label: s.label }));
    });
  }

  function load() {
    errorBox.textContent = "";
    if (!BW.staff.header()) {
      BW.staff.loginForm(login, "Log in als medewerker om de evaluatie te zien.", load);
      return;
    }
    status.textContent = "Gegevens ophalen …";
    Promise.all([
      BW.staff.fetch("/api/review/report"), BW.staff.fetch("/api/review/unanswered"),
      BW.staff.fetch("/api/review/feedback-weeks"), BW.staff.fetch("/api/review/turns"),
      BW.staff.fetch("/api/review/sections")
    ]).then(function (parts) {
      showTopics(parts[1]);
      showWeeks(parts[2]);
      showTurns(parts[3]);
      showSections(parts[4]);
      content.hidden = false;
      return showReport(parts[0]);
    }).then(function () {
      status.textContent = "Evaluatie geladen.";
    }, function (error) {
      status.textContent = "";
      content.hidden = true;
      if (error.status === 401) {
        BW.staff.clear();
        BW.staff.loginForm(login, BW.staff.refusal(error), load);
        return;
      }
      errorBox.textContent = BW.staff.refusal(error) || error.message;
    });
  }

  load();
})();
