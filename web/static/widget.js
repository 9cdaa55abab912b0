/* Begrotingswijzer on another site, with one script tag:

     <script src="https://SERVICE/static/widget.js" data-service="https://SERVICE"
             data-gemeente="Voorbeeldstad" data-titel="Vraag het de Begrotingswijzer" data-kleur="#a0101c" defer></script>

   Shows a launcher button; it opens a panel with the residents' chat of the service (its page /embed, in an
   iframe, so chat.js runs unchanged and the conversation and its API calls stay on the service's own origin).
   The launcher and the panel live in a Shadow DOM with their own styles (`all: initial`, sizes in px), so the
   host page's CSS does not reach them and theirs does not reach the host page.
   The service must list the host page's origin in BW_EMBED_ORIGINS (CSP frame-ancestors of /embed); when the
   browser refuses the frame, the panel says so and links to the chat on the service itself.
   Keyboard: Enter/Space opens, focus goes to the question field; Escape (also inside the chat) or "Sluiten"
   closes and focus goes back to the launcher. On a small screen (480 px or less) the panel fills the screen,
   is modal (aria-modal) and Tab stays inside it. */
(function () {
  "use strict";

  var TAG = "begrotingswijzer-widget";
  var DEFAULT_COLOUR = "#a0101c";
  var DEFAULT_TITLE = "Vraag het de Begrotingswijzer";
  var READY_AFTER_LOAD_MS = 3000;   // a refused frame also fires "load": no "ready" message by then = refused
  var READY_AT_MOST_MS = 20000;

  var script = document.currentScript;
  if (!script || document.querySelector(TAG)) return;  // not a classic script tag, or already on the page

  /** The service's base address: data-service, else where this script came from. */
  function serviceBase() {
    var given = script.getAttribute("data-service") || "";
    try {
      var url = new URL(given || script.src.replace(/\/static\/widget\.js(\?.*)?$/, "/"), window.location.href);
      if (url.protocol !== "https:" && url.protocol !== "http:") return null;
      return url.origin + url.pathname.replace(/\/+$/, "");
    } catch (e) {
      return null;
    }
  }

  /** Relative luminance of a #rgb / #rrggbb colour (WCAG 2.1). */
  function luminance(hex) {
    var h = hex.length === 4 ? hex.replace(/[0-9a-f]/gi, "$&$&").slice(1) : hex.slice(1);
    return [0, 2, 4].map(function (i) {
      var c = parseInt(h.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }).reduce(function (sum, c, i) { return sum + c * [0.2126, 0.7152, 0.0722][i]; }, 0);
  }

  /** data-kleur when it is a hex colour on which white text has a contrast of at least 4.5:1. */
  function colour() {
    var given = (script.getAttribute("data-kleur") || script.getAttribute("data-color") || "").trim();
    if (!/^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(given)) return DEFAULT_COLOUR;
    return 1.05 / (luminance(given) + 0.05) >= 4.5 ? given : DEFAULT_COLOUR;
  }

  var STYLE = [
    ":host { all: initial; }",
    ".bw { all: initial; font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Liberation Sans', Arial,",
    "  sans-serif; font-size: 16px; line-height: 1.4; color: #1b1b1b; }",
    ".bw *, .bw *::before, .bw *::after { box-sizing: border-box; }",
    ".launcher { position: fixed; right: 16px; bottom: 16px; z-index: 2147483000; display: inline-flex;",
    "  align-items: center; gap: 8px; max-width: calc(100vw - 32px); min-height: 48px; margin: 0;",
    "  padding: 10px 18px; border: 2px solid var(--bw-colour); border-radius: 24px; background: var(--bw-colour);",
    "  color: #fff; font: inherit; font-weight: 700; text-align: left; cursor: pointer;",
    "  box-shadow: 0 2px 8px rgba(0, 0, 0, 0.35); }",
    ".launcher:hover { text-decoration: underline; }",
    ".launcher svg { flex: none; width: 22px; height: 22px; fill: currentColor; }",
    "button:focus { outline: none; }",
    "button:focus-visible { outline: 3px solid #1b1b1b; outline-offset: 2px; box-shadow: 0 0 0 6px #ffbf00; }",
    ".panel { position: fixed; right: 16px; bottom: 80px; z-index: 2147483001; display: flex;",
    "  flex-direction: column; width: min(420px, calc(100vw - 32px)); height: min(640px, calc(100vh - 104px));",
    "  border: 1px solid #767676; border-radius: 8px; background: #fff; overflow: hidden;",
    "  box-shadow: 0 4px 24px rgba(0, 0, 0, 0.35); }",
    ".panel[hidden] { display: none; }",
    ".bar { display: flex; align-items: center; justify-content: space-between; gap: 8px; padding: 8px 8px 8px 16px;",
    "  background: var(--bw-colour); color: #fff; }",
    ".title { margin: 0; font-size: 17px; font-weight: 700; }",
    ".title small { display: block; font-size: 14px; font-weight: 400; }",
    ".close { min-width: 44px; min-height: 44px; margin: 0; padding: 6px 12px; border: 2px solid #fff;",
    "  border-radius: 6px; background: transparent; color: #fff; font: inherit; font-weight: 700; cursor: pointer; }",
    ".close:hover { background: rgba(255, 255, 255, 0.2); }",
    ".frame { flex: 1; width: 100%; min-height: 0; border: 0; display: block; background: #fff; }",
    ".frame[hidden] { display: none; }",
    ".notice { margin: 16px; padding: 12px 16px; border-left: 6px solid #14529c; background: #eef3fa; }",
    ".notice[hidden] { display: none; }",
    ".notice p { margin: 0 0 8px; }",
    ".notice a { color: #14529c; }",
    ".notice a:focus-visible { outline: 3px solid #1b1b1b; background: #ffbf00; color: #1b1b1b; }",
    "@media (max-width: 480px), (max-height: 480px) {",
    "  .panel { inset: 0; width: 100%; height: 100%; border: 0; border-radius: 0; }",
    "  .launcher[aria-expanded='true'] { display: none; }",
    "}",
    "@media (forced-colors: active) { .launcher, .bar { border: 2px solid ButtonText; } }"
  ].join("\n");

  var CHAT_ICON = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function icon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", CHAT_ICON);
    svg.appendChild(path);
    return svg;
  }

  /** Styles for the shadow tree: a constructed sheet (not subject to the host page's style-src), else <style>. */
  function addStyles(root, colourValue) {
    var css = STYLE + "\n.bw { --bw-colour: " + colourValue + "; }";
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      root.appendChild(el("style", { text: css }));
    }
  }

  function build() {
    var base = serviceBase();
    if (!base) {
      if (window.console) window.console.error("Begrotingswijzer: data-service is geen geldig webadres.");
      return;
    }
    var serviceOrigin = new URL(base).origin;
    var municipality = (script.getAttribute("data-gemeente") || "").trim();
    var place = municipality ? "gemeente " + municipality.replace(/^gemeente\s+/i, "") : "";
    var title = (script.getAttribute("data-titel") || script.getAttribute("data-title") || "").trim() || DEFAULT_TITLE;

    var host = document.createElement(TAG);
    var root = host.attachShadow({ mode: "open" });
    addStyles(root, colour());

    var launcher = el("button", {
      type: "button", "class": "launcher", "aria-expanded": "false", "aria-controls": "bw-panel"
    }, [icon(), el("span", { text: title })]);
    var close = el("button", { type: "button", "class": "close", text: "Sluiten" });
    var heading = el("p", { "class": "title", id: "bw-title", text: title },
      [place ? el("small", { text: place.charAt(0).toUpperCase() + place.slice(1) }) : null]);
    var link = el("a", { href: base + "/", target: "_blank", rel: "noopener",
      text: "Open de Begrotingswijzer in een nieuw tabblad" });
    var notice = el("div", { "class": "notice", role: "alert", hidden: "" }, [
      el("p", { text: "De chat kan op deze website niet worden geopend." }), link
    ]);
    var panel = el("div", {
      "class": "panel", id: "bw-panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "bw-title",
      hidden: ""
    }, [el("div", { "class": "bar" }, [heading, close]), notice]);
    var wrapper = el("aside", { "class": "bw", "aria-label": "Chat met de Begrotingswijzer" }, [launcher, panel]);
    root.appendChild(wrapper);

    var frame = null;
    var ready = false;
    var readyTimer = null;
    // On a small screen the panel covers the page: it is then modal, and Tab stays inside it.
    var fullScreen = window.matchMedia("(max-width: 480px), (max-height: 480px)");

    function refused() {
      if (ready) return;
      notice.hidden = false;
      if (frame) frame.hidden = true;
      if (!panel.hidden) link.focus();
    }

    function focusChat() {
      if (!frame || frame.hidden) return;
      frame.focus();
      frame.contentWindow.postMessage({ source: "begrotingswijzer", type: "focus" }, serviceOrigin);
    }

    function ensureFrame() {
      if (frame) return;
      var label = "Chat met de Begrotingswijzer" + (place ? " van " + place : "");
      frame = el("iframe", { "class": "frame", title: label, src: base + "/embed" });
      frame.addEventListener("load", function () {
        clearTimeout(readyTimer);
        readyTimer = setTimeout(refused, READY_AFTER_LOAD_MS);
      });
      readyTimer = setTimeout(refused, READY_AT_MOST_MS);
      panel.appendChild(frame);
    }

    function isOpen() {
      return !panel.hidden;
    }

    function open() {
      panel.hidden = false;
      panel.setAttribute("aria-modal", String(fullScreen.matches));
      launcher.setAttribute("aria-expanded", "true");
      ensureFrame();
      if (ready) focusChat();
      else if (!notice.hidden) link.focus();
      else close.focus();  // until the chat says it is ready; then the question field gets the focus
    }

    function shut() {
      panel.hidden = true;
      launcher.setAttribute("aria-expanded", "false");
      launcher.focus();
    }

    launcher.addEventListener("click", function () { if (isOpen()) shut(); else open(); });
    close.addEventListener("click", shut);
    wrapper.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && isOpen()) {
        event.preventDefault();
        shut();
      }
    });

    if (typeof fullScreen.addEventListener === "function") {
      fullScreen.addEventListener("change", function () {
        if (isOpen()) panel.setAttribute("aria-modal", String(fullScreen.matches));
      });
    }

    // Focus that leaves the full-screen panel for the page behind it comes back to the panel's first button.
    document.addEventListener("focusin", function (event) {
      if (isOpen() && fullScreen.matches && event.target !== host) close.focus();
    });

    window.addEventListener("message", function (event) {
      var data = event.data;
      if (!frame || event.origin !== serviceOrigin || event.source !== frame.contentWindow) return;
      if (!data || data.source !== "begrotingswijzer") return;
      if (data.type === "ready") {
        var first = !ready;
        ready = true;
        clearTimeout(readyTimer);
        notice.hidden = true;
        frame.hidden = false;
        if (first && isOpen()) focusChat();
      } else if (data.type === "close" && isOpen()) {
        shut();
      }
    });

    document.body.appendChild(host);
  }

  if (document.body) build();
  else document.addEventListener("DOMContentLoaded", build);
})();
