/* The chat inside the widget's panel (web/embed.html): tells the widget on the host page that the chat is
   ready and when Escape asks to close it, and puts the cursor in the question field when the widget opens.
   The messages carry no conversation content, so they go to the parent window whatever its origin; the
   widget checks that they come from this service. */
(function () {
  "use strict";

  var parentWindow = window.parent;
  if (!parentWindow || parentWindow === window) return;  // opened on its own: nothing to talk to

  function tell(type) {
    parentWindow.postMessage({ source: "begrotingswijzer", type: type }, "*");
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.source !== parentWindow || !data || data.source !== "begrotingswijzer") return;
    if (data.type === "focus") {
      var field = document.getElementById("vraag");
      if (field) field.focus();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    if (document.querySelector("dialog[open]")) return;  // Escape closes the confirmation first
    tell("close");
  });

  tell("ready");
})();
