// Conveniences only: every page works without this file.
(function () {
  "use strict";

  // "/" jumps to the ticket search, as in most web apps.
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (event.key !== "/" || tag === "input" || tag === "textarea" || tag === "select") return;
    var search = document.querySelector(".desk-search input[type=search]");
    if (search) { event.preventDefault(); search.focus(); }
  });

  // One filter drop-down open at a time; a click elsewhere closes it.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.desk-multi[open]").forEach(function (details) {
      if (!details.contains(event.target)) details.removeAttribute("open");
    });
  });

  // Offer only the subcategories of the chosen category.
  document.querySelectorAll("form").forEach(function (form) {
    var category = form.querySelector("select[name=category]");
    var sub = form.querySelector("select[name=subcategory]");
    if (!category || !sub) return;
    function sync() {
      var chosen = category.selectedOptions[0];
      var name = chosen && chosen.value ? chosen.textContent.trim() : "";
      sub.querySelectorAll("optgroup").forEach(function (group) {
        var match = name !== "" && group.label === name;
        group.hidden = !match;
        group.disabled = !match;
      });
      var picked = sub.selectedOptions[0];
      if (picked && picked.parentElement.tagName === "OPTGROUP" && picked.parentElement.disabled) {
        sub.value = "";
      }
    }
    category.addEventListener("change", sync);
    sync();
  });
})();
