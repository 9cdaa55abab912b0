/* KCC: open a resident's conversation with the code the bot gave them ("Bel 14 071 en noem code K7Q-42").
   GET /api/handoff/{code} is staff-only: without valid credentials a login form appears (staff.js). */
(function () {
  "use strict";

  var BW = window.BW;
  var el = BW.el;
  var REASONS = {
    request: "De inwoner vroeg om een medewerker.",
    not_found: "De Begrotingswijzer vond geen antwoord in de begroting.",
    out_of_scope: "De vraag ging niet over de begroting.",
    unavailable: "De Begrotingswijzer was even niet bereikbaar.",
    not_helped: "Het antwoord hielp de inwoner niet.",
    fallback: "De Begrotingswijzer begreep de vraag niet."
  };

  var form = document.getElementById("codeformulier");
  if (!form) return;
  var input = document.getElementById("gesprekscode");
  var status = document.getElementById("codestatus");
  var errorBox = document.getElementById("codefout");
  var login = document.getElementById("code-login");
  var result = document.getElementById("gesprek");

  function citationList(citations) {
    var items = (citations || []).filter(function (c) { return c && c.section_id; });
    if (!items.length) return null;
    return el("ul", { className: "sources" }, items.map(function (c) {
      return el("li", null, [el("a", { href: BW.sectionPath(c.section_id), text: BW.sectionLabel(c) || c.section_id })]);
    }));
  }

  function show(body) {
    result.textContent = "";
    var turns = Array.isArray(body.turns) ? body.turns : [];
    result.appendChild(el("h2", { id: "gesprek-kop", text: "Gesprek met code " + body.code }));
    result.appendChild(el("p", { className: "lead", text: (REASONS[body.reason] || "De inwoner is doorverwezen.") +
      " De code geldt tot " + String(body.expires || "").replace("T", " ") + "." }));
    if (body.unanswered) {
      result.appendChild(el("p", { className: "notice" }, [el("strong", { text: "Vraag zonder antwoord: " }),
                                                            String(body.unanswered)]));
    }
    if (!turns.length) {
      result.appendChild(el("p", { text: "Er zijn geen vragen van dit gesprek bewaard." }));
    }
    var list = el("ol", { className: "turns" });
    turns.forEach(function (t) {
      list.appendChild(el("li", { className: "turn" + (t.answered ? "" : " turn-unanswered") }, [
        el("p", { className: "turn-question" }, [el("strong", { text: "Inwoner: " }), String(t.question || "")]),
        el("p", { className: "turn-answer" }, [el("strong", { text: "Begrotingswijzer: " }),
          t.answered ? String(t.answer || "") : "(geen antwoord gegeven)"]),
        citationList(t.citations)
      ]));
    });
    result.appendChild(list);
    result.hidden = false;
    status.textContent = turns.length === 1 ? "1 vraag gevonden." : turns.length + " vragen gevonden.";
  }

  function lookup() {
    var code = input.value.trim();
    errorBox.textContent = "";
    result.hidden = true;
    input.removeAttribute("aria-invalid");
    if (!code) {
      input.setAttribute("aria-invalid", "true");
      errorBox.textContent = "Vul de code in die de inwoner noemt, bijvoorbeeld K7Q-42.";
      input.focus();
      return;
    }
    if (!BW.staff.header()) {
      BW.staff.loginForm(login, "Log in als medewerker om het gesprek te zien.", lookup);
      return;
    }
    status.textContent = "Gesprek ophalen …";
    BW.staff.fetch("/api/handoff/" + encodeURIComponent(code)).then(show, function (error) {
      status.textContent = "";
      var refused = BW.staff.refusal(error);
      if (error.status === 401) {
        BW.staff.clear();
        BW.staff.loginForm(login, refused, lookup);
        return;
      }
      if (error.status === 404) input.setAttribute("aria-invalid", "true");
      errorBox.textContent = refused || error.message;
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    lookup();
  });
})();
