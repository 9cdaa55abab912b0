/* Staff credentials for the staff-only endpoints (KCC conversation codes, evaluators' page).
   A user name + password (HTTP basic) or a token (Bearer), kept in sessionStorage for this tab only,
   sent as the Authorization header. A login form is shown where staff data is refused (401/403). */
(function () {
  "use strict";

  var BW = window.BW;
  var el = BW.el;
  var KEY = "bw-staff-authorization";
  var formCount = 0;

  function header() {
    try { return window.sessionStorage.getItem(KEY); } catch (e) { return null; }
  }

  function save(user, secret) {
    var value = user ? "Basic " + btoa(unescape(encodeURIComponent(user + ":" + secret))) : "Bearer " + secret;
    try { window.sessionStorage.setItem(KEY, value); } catch (e) { /* private mode: ask again next time */ }
    return value;
  }

  function clear() {
    try { window.sessionStorage.removeItem(KEY); } catch (e) { /* nothing stored */ }
  }

  /** fetch with the staff credentials; ApiError (Dutch detail) on errors; text instead of JSON when asked. */
  function staffFetch(url, options) {
    var opts = options || {};
    var headers = { Accept: opts.text ? "text/html" : "application/json" };
    var auth = header();
    if (auth) headers.Authorization = auth;
    var init = { method: opts.method || "GET", headers: headers };
    if (opts.body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(opts.body);
    }
    return fetch(url, init).then(function (response) {
      return response.text().then(function (raw) {
        if (!response.ok) {
          var detail = null;
          try { detail = JSON.parse(raw).detail; } catch (e) { detail = null; }
          if (typeof detail !== "string" || !detail) {
            detail = response.status >= 500 ? BW.UNREACHABLE : "Er ging iets mis. Probeer het opnieuw.";
          }
          throw new BW.ApiError(response.status, detail);
        }
        if (opts.text) return raw;
        return raw ? JSON.parse(raw) : null;
      });
    }, function () {
      throw new BW.ApiError(0, BW.UNREACHABLE);
    });
  }

  /** A login form in `container`; calls onDone() after the credentials are stored. */
  function loginForm(container, message, onDone) {
    formCount += 1;
    var id = "medewerker-" + formCount;
    var user = el("input", { id: id + "-naam", className: "input", type: "text", autocomplete: "username",
                             spellcheck: "false", "aria-describedby": id + "-hint" });
    var secret = el("input", { id: id + "-geheim", className: "input", type: "password", required: true,
                               autocomplete: "current-password", "aria-describedby": id + "-hint" });
    var form = el("form", { className: "staff-login", "aria-labelledby": id + "-kop", novalidate: true }, [
      el("h2", { id: id + "-kop", text: "Inloggen als medewerker" }),
      el("p", { className: "notice", role: "status", text: message }),
      el("p", { id: id + "-hint", className: "hint",
                text: "Vul uw gebruikersnaam en wachtwoord in. Hebt u een token? Laat de gebruikersnaam dan leeg " +
                      "en vul het token in als wachtwoord. De gegevens blijven alleen in dit tabblad bewaard." }),
      el("div", { className: "field" }, [el("label", { for: user.id, text: "Gebruikersnaam" }), user]),
      el("div", { className: "field" }, [el("label", { for: secret.id, text: "Wachtwoord of token" }), secret]),
      el("button", { type: "submit", className: "btn", text: "Inloggen" })
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!secret.value) {
        secret.setAttribute("aria-invalid", "true");
        secret.focus();
        return;
      }
      save(user.value.trim(), secret.value);
      container.textContent = "";
      container.hidden = true;
      onDone();
    });
    container.textContent = "";
    container.appendChild(form);
    container.hidden = false;
    (user.value ? secret : user).focus();
  }

  /** Message for a refused staff request, or null when the error is not about credentials. */
  function refusal(error) {
    if (error && error.status === 401) return "U bent niet (meer) ingelogd of de gegevens kloppen niet. Log opnieuw in.";
    if (error && error.status === 403) return error.message;
    return null;
  }

  BW.staff = { header: header, save: save, clear: clear, fetch: staffFetch, loginForm: loginForm, refusal: refusal };
})();
