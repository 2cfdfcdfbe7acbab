// The chat panel without page loads: every form still works as a plain post without this file.
(function () {
  "use strict";
  var panel = document.getElementById("chat-panel");
  if (!panel || !window.fetch || !window.FormData) return;

  function settle() {
    var latest = document.getElementById("chat-latest");
    if (latest) latest.scrollIntoView({ block: "end" });
    var input = document.getElementById("chat-text");
    if (input) input.focus();
  }

  panel.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-chat-form")) return;
    event.preventDefault();
    var data = new FormData(form);
    // The button pressed carries the answer ("Yes", "Skip"): FormData leaves it out.
    var button = event.submitter;
    if (button && button.name) data.append(button.name, button.value);
    panel.setAttribute("aria-busy", "true");
    Array.prototype.forEach.call(panel.querySelectorAll("button"), function (b) { b.disabled = true; });
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Chat-Panel": "1" }
    }).then(function (response) {
      // A refusal (400) comes back as the panel with its message; anything else, a page load.
      if (!response.ok && response.status !== 400) throw new Error(String(response.status));
      return response.text();
    }).then(function (html) {
      panel.innerHTML = html;
      panel.removeAttribute("aria-busy");
      settle();
    }).catch(function () {
      form.submit();
    });
  });
  settle();
})();
