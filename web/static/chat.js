/* Residents' chat: talks to the assistant through POST /api/chat, shows numbered sources,
   asks for feedback (POST /api/feedback) and keeps the conversation in sessionStorage. */
(function () {
  "use strict";

  var BW = window.BW;
  var el = BW.el;
  var STORAGE_KEY = "begrotingswijzer.chat.v1";
  var HANDOFF_MESSAGE = "Ik wil een medewerker spreken";
  var TIMEOUT_MS = 60000;

  var log = document.getElementById("chat-log");
  var statusBox = document.getElementById("chat-status");
  var errorBox = document.getElementById("chat-error");
  var form = document.getElementById("composer");
  var input = document.getElementById("vraag");
  var sendButton = document.getElementById("verstuur");
  var handoffButton = document.getElementById("medewerker");
  var resetButton = document.getElementById("nieuw-gesprek");

  var state = loadState();
  var busy = false;
  var statusTimer = null;

  /** A short message in the status region; it disappears after a few seconds. */
  function announce(message) {
    clearTimeout(statusTimer);
    statusBox.textContent = message;
    statusTimer = setTimeout(function () {
      if (statusBox.textContent === message) statusBox.textContent = "";
    }, 6000);
  }

  // ---------- storage (per browser tab: sessionStorage, never localStorage) ----------

  function freshState() {
    return { sender: BW.newId(), turns: [], next: 1 };
  }

  function loadState() {
    try {
      var raw = window.sessionStorage.getItem(STORAGE_KEY);
      if (raw) {
        var parsed = JSON.parse(raw);
        if (parsed && typeof parsed.sender === "string" && Array.isArray(parsed.turns)) {
          parsed.next = parsed.next || parsed.turns.length + 1;
          return parsed;
        }
      }
    } catch (e) {
      /* storage blocked or damaged: start fresh */
    }
    return freshState();
  }

  function saveState() {
    try {
      window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(state));
    } catch (e) {
      /* storage full or blocked: the conversation still works, it just won't survive a reload */
    }
  }

  // ---------- rendering (text only, never HTML) ----------

  var PHONE = BW.phone();  // the deployment's KCC number, from the settings
  var PHONE_LINK = "tel:" + PHONE.replace(/[^\d+]/g, "");
  var PHONE_PATTERN = PHONE.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/ /g, " ?");
  var LINKABLE = new RegExp("(https?:\\/\\/[^\\s<>\"')\\]]+" + (PHONE ? "|" + PHONE_PATTERN : "") + ")", "g");
  var CALL = PHONE ? ", of bel " + PHONE : "";

  /** A paragraph in which web addresses and the KCC phone number become real links. */
  function textParagraph(text, className) {
    var p = el("p", { className: className });
    var last = 0;
    String(text).replace(LINKABLE, function (match, _g, offset) {
      if (offset > last) p.appendChild(document.createTextNode(text.slice(last, offset)));
      var href = /^https?:/.test(match) ? match : PHONE_LINK;
      p.appendChild(el("a", { href: href, text: match }));
      last = offset + match.length;
      return match;
    });
    if (last < text.length) p.appendChild(document.createTextNode(text.slice(last)));
    return p;
  }

  function who(label) {
    return el("span", { className: "msg-who", text: label });
  }

  function renderUserTurn(turn) {
    return el("div", { className: "msg msg-user", id: "beurt-" + turn.id, "data-role": "user" }, [
      who("U"),
      el("p", { className: "msg-text", text: turn.text })
    ]);
  }

  /** Collect citations of all messages of one answer, numbered and without duplicates. */
  function citationsOf(messages) {
    var seen = {};
    var list = [];
    messages.forEach(function (m) {
      var custom = m && m.custom;
      if (!custom || !Array.isArray(custom.citations)) return;
      custom.citations.forEach(function (c) {
        if (!c || !c.section_id) return;
        var key = (c.n || "") + "|" + c.section_id;
        if (seen[key]) return;
        seen[key] = true;
        list.push(c);
      });
    });
    return list;
  }

  function answerText(turn) {
    return turn.messages
      .map(function (m) { return m && typeof m.text === "string" ? m.text : ""; })
      .filter(Boolean)
      .join("\n");
  }

  function renderSources(citations) {
    var list = el("ol");
    citations.forEach(function (c, i) {
      var n = c.n || i + 1;
      var link = el("a", {
        href: BW.sectionPath(c.section_id, c.quote || ""),
        text: "[" + n + "] " + BW.sectionLabel(c)
      });
      list.appendChild(el("li", null, [link]));
    });
    return el("div", { className: "sources" }, [el("h3", { text: "Bronnen in de begroting" }), list]);
  }

  function renderFeedback(turn) {
    var yes = el("button", { type: "button", className: "btn secondary small", text: "Ja, dit hielp", "data-helped": "true" });
    var no = el("button", { type: "button", className: "btn secondary small", text: "Nee, dit hielp niet", "data-helped": "false" });
    var thanks = el("p", { className: "feedback-thanks", role: "status" });
    var box = el("fieldset", { className: "feedback" }, [
      el("legend", { text: "Had u iets aan dit antwoord?" }),
      el("div", { className: "row" }, [yes, no]),
      thanks
    ]);

    yes.setAttribute("aria-pressed", "false");
    no.setAttribute("aria-pressed", "false");

    /** The chosen button stays pressed; the other one stays available, so the choice can be changed. */
    function show(helped, changed) {
      yes.setAttribute("aria-pressed", String(helped === true));
      no.setAttribute("aria-pressed", String(helped === false));
      thanks.textContent = changed ? "Uw keuze is aangepast. Bedankt." : "Bedankt voor uw reactie.";
    }

    if (turn.feedback === true || turn.feedback === false) show(turn.feedback, false);

    var sending = false;

    function give(helped) {
      if (sending || turn.feedback === helped) return;
      var changed = turn.feedback === true || turn.feedback === false;
      sending = true;
      BW.fetchJson("/api/feedback", {
        method: "POST",
        body: {
          question: turn.question || "",
          answer: answerText(turn),
          helped: helped,
          source: "web",
          conversation_id: state.sender
        }
      }).then(function () {
        turn.feedback = helped;
        saveState();
        show(helped, changed);  // the thanks line is itself a status region: said once
      }, function (err) {
        thanks.textContent = "Uw reactie is niet opgeslagen. " + (err && err.message ? err.message : "");
      }).then(function () {
        sending = false;
      });
    }

    yes.addEventListener("click", function () { give(true); });
    no.addEventListener("click", function () { give(false); });
    return box;
  }

  function renderBotTurn(turn) {
    var node = el("div", { className: "msg msg-bot", id: "beurt-" + turn.id, "data-role": "bot" }, [who("Begrotingswijzer")]);
    var hasText = false;
    var citations = citationsOf(turn.messages);
    turn.messages.forEach(function (m) {
      if (!m) return;
      // The assistant's plain-text list of sources is shown as real links below the answer instead.
      var text = typeof m.text === "string" ? m.text : "";
      if (citations.length) text = SOURCES_TEXT.test(text) ? "" : text.replace(SOURCES_TAIL, "");
      if (text.trim()) {
        node.appendChild(textParagraph(text, "msg-text"));
        hasText = true;
      }
      if (Array.isArray(m.buttons) && m.buttons.length) {
        var row = el("div", { className: "msg-buttons" });
        m.buttons.forEach(function (b) {
          if (!b || !b.title) return;
          row.appendChild(el("button", {
            type: "button",
            className: "btn secondary small",
            text: b.title,
            onclick: function () { send(b.payload || b.title, b.title); }
          }));
        });
        node.appendChild(row);
      }
    });
    if (!hasText) {
      node.appendChild(el("p", {
        className: "msg-text",
        text: "Ik heb hier geen antwoord op. Probeer het anders te vragen" + CALL + "."
      }));
    }
    var series = seriesOf(turn.messages);
    var figure = series && BW.seriesFigure ? BW.seriesFigure(series) : null;
    if (figure) node.appendChild(figure);
    if (citations.length) node.appendChild(renderSources(citations));
    // A handoff (or the reply to "Ik wil een medewerker spreken") is no answer to rate.
    if (!isHandoff(turn)) node.appendChild(renderFeedback(turn));
    explainIn(node);
    return node;
  }

  /** The first amount series sent with the answer (custom.series), if any. */
  function seriesOf(messages) {
    for (var i = 0; i < messages.length; i++) {
      var custom = messages[i] && messages[i].custom;
      if (custom && custom.series && typeof custom.series === "object") return custom.series;
    }
    return null;
  }

  function isHandoff(turn) {
    return turn.question === HANDOFF_MESSAGE || turn.messages.some(function (m) {
      return m && m.custom && typeof m.custom === "object" && m.custom.handoff;
    });
  }

  /** Budget words in the answer text get their explanation from the Begrippenlijst (button + note). */
  function explainIn(node) {
    if (!BW.loadTerms) return;
    BW.loadTerms().then(function (list) {
      Array.prototype.forEach.call(node.querySelectorAll(".msg-text"), function (p) { BW.explainTerms(p, list, 4); });
    });
  }

  function renderTurn(turn) {
    return turn.role === "user" ? renderUserTurn(turn) : renderBotTurn(turn);
  }

  function renderAll() {
    while (log.firstChild) log.removeChild(log.firstChild);
    state.turns.forEach(function (turn) { log.appendChild(renderTurn(turn)); });
  }

  function appendTurn(turn) {
    state.turns.push(turn);
    saveState();
    var node = renderTurn(turn);
    log.appendChild(node);
    return node;
  }

  // ---------- sending ----------

  function setBusy(value) {
    busy = value;
    sendButton.setAttribute("aria-disabled", String(value));
    clearTimeout(statusTimer);
    statusBox.textContent = value ? "De Begrotingswijzer zoekt een antwoord…" : "";
  }

  function showError(message) {
    errorBox.textContent = message;
  }

  var FEEDBACK_PAYLOAD = /^\/feedback_/;
  var SOURCES_TEXT = /^\s*Bronn?(en)?:/i;
  var SOURCES_TAIL = /\n\s*Bronn?(en)?:\s*\n[\s\S]*$/i;

  /** The assistant's own "did this help?" question: the page asks that itself, under each answer. */
  function isFeedbackQuestion(m) {
    return Array.isArray(m.buttons) && m.buttons.length > 0 &&
      m.buttons.every(function (b) { return b && FEEDBACK_PAYLOAD.test(String(b.payload || "")); });
  }

  /** Normalise the answer of /api/chat: a list of messages with text, buttons and custom. */
  function normalise(data) {
    if (!Array.isArray(data)) return [];
    return data
      .filter(function (m) { return m && typeof m === "object" && !isFeedbackQuestion(m); })
      .map(function (m) {
        var out = {};
        if (typeof m.text === "string") out.text = m.text;
        if (Array.isArray(m.buttons)) {
          out.buttons = m.buttons
            .filter(function (b) { return b && typeof b.title === "string"; })
            .map(function (b) { return { title: b.title, payload: typeof b.payload === "string" ? b.payload : b.title }; });
        }
        if (m.custom && typeof m.custom === "object") out.custom = m.custom;
        return out;
      });
  }

  /**
   * Send a message. `payload` goes to the assistant, `shown` is what the resident sees
   * (they differ only for assistant buttons).
   */
  function send(payload, shown) {
    var text = String(payload || "").trim();
    if (!text) {
      showError("Typ eerst uw vraag.");
      input.focus();
      return;
    }
    if (busy) {
      announce("Even geduld, de Begrotingswijzer zoekt nog een antwoord.");
      return;
    }
    var display = String(shown || text).trim();
    showError("");
    var userTurn = { id: state.next++, role: "user", text: display };
    var userNode = appendTurn(userTurn);
    userNode.scrollIntoView({ block: "nearest" });
    setBusy(true);

    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, TIMEOUT_MS);

    BW.fetchJson("/api/chat", {
      method: "POST",
      body: { sender: state.sender, message: text },
      signal: controller ? controller.signal : undefined
    }).then(function (data) {
      var botTurn = { id: state.next++, role: "bot", question: display, messages: normalise(data), feedback: null };
      var node = appendTurn(botTurn);
      if (node.getBoundingClientRect().height > window.innerHeight * 0.8) node.scrollIntoView({ block: "start" });
      else form.scrollIntoView({ block: "end" });
    }, function (err) {
      // Nothing was answered: take the question back out of the log and give it back to the resident.
      state.turns = state.turns.filter(function (t) { return t !== userTurn; });
      saveState();
      if (userNode.parentNode) userNode.parentNode.removeChild(userNode);
      if (!input.value && userTurn.text === text) input.value = text;
      var message = err && err.name === "AbortError"
        ? "Het antwoord duurt te lang. Probeer het opnieuw" + CALL + "."
        : (err && err.message) || BW.UNREACHABLE;
      showError(message);
    }).then(function () {
      clearTimeout(timer);
      setBusy(false);
    });
  }

  // ---------- wiring ----------

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (busy) {
      announce("Even geduld, de Begrotingswijzer zoekt nog een antwoord.");
      return;
    }
    if (text.trim()) input.value = "";
    send(text);
    input.focus();
  });

  Array.prototype.forEach.call(document.querySelectorAll(".starter"), function (button) {
    button.addEventListener("click", function () {
      send(button.getAttribute("data-question") || button.textContent);
      input.focus();
    });
  });

  handoffButton.addEventListener("click", function () {
    send(HANDOFF_MESSAGE);
    input.focus();
  });

  var resetDialog = document.getElementById("nieuw-gesprek-dialoog");

  function resetConversation() {
    state = freshState();
    saveState();
    renderAll();
    showError("");
    announce("U bent een nieuw gesprek begonnen.");
    input.value = "";
    input.focus();
  }

  // Wiping the conversation cannot be undone: ask first, in a modal dialog (Esc or "Nee" keeps it).
  resetButton.addEventListener("click", function () {
    if (busy) return;
    if (!state.turns.length) {
      resetConversation();
      return;
    }
    if (resetDialog && typeof resetDialog.showModal === "function") {
      resetDialog.returnValue = "";
      resetDialog.showModal();
    } else if (window.confirm("Weet u het zeker? Het gesprek wordt gewist.")) {
      resetConversation();
    }
  });

  if (resetDialog) {
    resetDialog.addEventListener("close", function () {
      if (resetDialog.returnValue === "wissen") resetConversation();
      else resetButton.focus();
    });
  }

  renderAll();
})();
