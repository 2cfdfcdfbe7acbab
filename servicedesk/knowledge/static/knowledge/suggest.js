// Conveniences only: the new-ticket form and the ticket page work without this file.
(function () {
  "use strict";

  // Portal: as the user writes a ticket, ask for matching answers (debounced) and show them.
  var box = document.querySelector("[data-kb-suggest]");
  if (box) {
    var form = box.closest("form") || document;
    var fields = form.querySelectorAll("input[name=title], textarea[name=description]");
    var timer = null;
    var last = "";
    var ask = function () {
      var text = Array.prototype.map.call(fields, function (f) { return f.value; }).join(" ").trim();
      if (text === last) return;
      last = text;
      if (text.length < 3) { box.replaceChildren(); return; }
      var url = box.dataset.kbSuggest + "?q=" + encodeURIComponent(text.slice(0, 1000));
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) {
          if (text !== last) return;  // a later request answers
          // The fragment is our own server-rendered, escaped HTML.
          box.innerHTML = html;
        })
        .catch(function () {});
    };
    fields.forEach(function (f) {
      f.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 300); });
    });
    if (Array.prototype.some.call(fields, function (f) { return f.value; })) ask();
  }

  // Desk: "Paste into reply" puts an article's answer into the ticket's reply box.
  document.querySelectorAll("[data-kb-paste]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var source = document.getElementById(button.dataset.kbPaste);
      var reply = document.querySelector("#reply textarea[name=body]");
      if (!source || !reply) return;
      reply.value = (reply.value ? reply.value + "\n\n" : "") + source.textContent.trim();
      reply.focus();
      reply.scrollIntoView({ block: "center" });
    });
  });
})();
