/* Shared helpers for the Begrotingswijzer pages.
   Rule: everything that comes from users, the assistant or the budget text is put in the page
   as text (textContent / text nodes), never parsed as HTML. */
(function () {
  "use strict";

  var DOCUMENT_NAME = "de begroting"; // only when the API sends no document title

  /** Create an element; attrs are set as attributes (or properties for "text"/"on*"), children appended. */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === null || value === undefined || value === false) return;
        if (key === "text") node.textContent = String(value);
        else if (key.slice(0, 2) === "on" && typeof value === "function") node.addEventListener(key.slice(2), value);
        else if (key === "className") node.className = value;
        else node.setAttribute(key, value === true ? "" : String(value));
      });
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  /** The API may give a document id (a slug) or a title; people need the title. */
  function documentTitle(doc) {
    return doc || DOCUMENT_NAME;
  }

  /** Path of the section page; the colon in ids is a legal path character and stays readable. */
  function sectionPath(sectionId, quote) {
    var path = "/sections/" + encodeURIComponent(sectionId).replace(/%3A/gi, ":");
    if (quote) path += "?q=" + encodeURIComponent(quote);
    return path;
  }

  /** Absolute address of a section, for copied text: the API's url when given, else our own route. */
  function sectionUrl(sectionId, apiUrl) {
    try {
      return new URL(apiUrl || sectionPath(sectionId), window.location.origin).href;
    } catch (e) {
      return window.location.origin + sectionPath(sectionId);
    }
  }

  /** "1A2.3 Organiseren van verkiezingen …" or just the title when there is no code. */
  function sectionLabel(item) {
    var title = item.title || "";
    return item.code ? item.code + " " + title : title;
  }

  /** Error with the Dutch detail of the API, or a plain Dutch fallback. */
  function ApiError(status, detail) {
    this.name = "ApiError";
    this.status = status;
    this.message = detail;
  }
  ApiError.prototype = Object.create(Error.prototype);

  /** The KCC phone number of this deployment (from the settings, on the page's body). */
  function phone() {
    return (document.body && document.body.getAttribute("data-telefoon")) || "";
  }

  var UNREACHABLE = "De Begrotingswijzer is nu niet bereikbaar. Probeer het later opnieuw." +
    (phone() ? " U kunt ook bellen met " + phone() + "." : "");

  /** fetch JSON; throws ApiError with a Dutch message on network errors and 4xx/5xx answers. */
  function fetchJson(url, options) {
    var opts = options || {};
    var init = { method: opts.method || "GET", headers: { Accept: "application/json" }, signal: opts.signal };
    if (opts.body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(opts.body);
    }
    return fetch(url, init).then(
      function (response) {
        return response.text().then(function (raw) {
          var data = null;
          try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
          if (!response.ok) {
            var detail = data && typeof data.detail === "string" ? data.detail : null;
            if (!detail) {
              detail = response.status >= 500 ? UNREACHABLE : "Er ging iets mis. Probeer het opnieuw.";
            }
            throw new ApiError(response.status, detail);
          }
          return data;
        });
      },
      function (err) {
        if (err && err.name === "AbortError") throw err;
        throw new ApiError(0, UNREACHABLE);
      }
    );
  }

  /** Copy text to the clipboard: async Clipboard API first, a hidden textarea as fallback. */
  function copyText(text) {
    function fallback() {
      return new Promise(function (resolve, reject) {
        var active = document.activeElement;
        var area = el("textarea", { readonly: true, "aria-hidden": "true", tabindex: "-1" });
        area.value = text;
        area.style.position = "fixed";
        area.style.top = "0";
        area.style.left = "-9999px";
        document.body.appendChild(area);
        area.select();
        var ok = false;
        try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
        document.body.removeChild(area);
        if (active && typeof active.focus === "function") active.focus();
        if (ok) resolve("fallback"); else reject(new Error("copy failed"));
      });
    }
    if (navigator.clipboard && typeof navigator.clipboard.writeText === "function" && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () { return "clipboard"; }, fallback);
    }
    return fallback();
  }

  /** Random id for the conversation (Rasa sender). */
  function newId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  window.BW = {
    DOCUMENT_NAME: DOCUMENT_NAME,
    documentTitle: documentTitle,
    el: el,
    sectionPath: sectionPath,
    sectionUrl: sectionUrl,
    sectionLabel: sectionLabel,
    fetchJson: fetchJson,
    ApiError: ApiError,
    UNREACHABLE: UNREACHABLE,
    phone: phone,
    copyText: copyText,
    newId: newId
  };
})();
