// Lists worked from the keyboard (the review queue, the inbox): j / k move between items, ? shows the keys, and
// each other key named in the list's data-keys ("a:approve h:hide") presses the item's button of that value; two
// more do what a mouse would: "@select" ticks the item's checkbox, "@reply" puts the cursor in its reply. Every
// key presses one of the item's own controls, so the page works the same without this script.
(function () {
  "use strict";
  var list = document.querySelector("[data-keys]");
  if (!list) { return; }
  var items = Array.prototype.slice.call(list.querySelectorAll("[data-id]"));
  if (items.length === 0) { return; }
  var keys = {};
  list.getAttribute("data-keys").split(" ").forEach(function (pair) {
    var parts = pair.split(":");
    if (parts.length === 2) { keys[parts[0]] = parts[1]; }
  });
  var help = document.getElementById(list.getAttribute("data-keys-help"));
  var current = 0;

  function select(index) {
    current = Math.max(0, Math.min(items.length - 1, index));
    items.forEach(function (item, i) { item.classList.toggle("current", i === current); });
  }

  function focus(index) {
    select(index);
    items[current].focus();
    items[current].scrollIntoView({ block: "nearest" });
  }

  function act(action) {
    var item = items[current];
    if (action === "@select") {
      var box = item.querySelector("input[type=checkbox]");
      if (box) { box.checked = !box.checked; }
    } else if (action === "@reply") {
      var field = item.querySelector("textarea");
      if (field) { field.focus(); }
    } else {
      var button = item.querySelector("button[value='" + action + "']");
      if (button) { button.click(); }
    }
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT" || target.tagName === "SELECT")) {
      if (event.key === "Escape") { target.blur(); items[current].focus(); }
      return;
    }
    if (event.key === "j") {
      focus(current + 1);
    } else if (event.key === "k") {
      focus(current - 1);
    } else if (event.key === "?") {
      if (help) { help.hidden = !help.hidden; }
    } else if (keys[event.key]) {
      act(keys[event.key]);
    } else {
      return;
    }
    event.preventDefault();
  });

  items.forEach(function (item, i) {
    item.addEventListener("focusin", function () { select(i); });
  });
  document.body.classList.add("keyboard-ready");
  // The first item takes the keys, without scrolling the page's heading out of sight.
  select(0);
  items[0].focus({ preventScroll: true });
})();
