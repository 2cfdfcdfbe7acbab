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

  // Offer as assignees the members of the group chosen in the same form (the server still
  // checks; this only stops inviting an assignee from another group).
  document.querySelectorAll("select[name=assignee][data-group-members]").forEach(function (assignee) {
    var group = assignee.form && assignee.form.querySelector("select[name=assignment_group]");
    var map;
    try { map = JSON.parse(assignee.dataset.groupMembers); } catch (e) { return; }
    if (!group || !map || !map.groups || !map.names) return;
    var names = {};
    map.names.forEach(function (pair) { names[pair[0]] = pair[1]; });
    group.addEventListener("change", function () {
      var ids = map.groups[group.value] || [];
      var picked = assignee.value;
      var empty = assignee.querySelector("option[value='']");
      assignee.replaceChildren();
      if (empty) assignee.appendChild(empty);
      ids.forEach(function (id) {
        assignee.appendChild(new Option(names[id], String(id)));
      });
      assignee.value = ids.some(function (id) { return String(id) === picked; }) ? picked : "";
    });
  });
})();
