// The review queue from the keyboard: j / k move between items, a approves, h hides, d defers to tomorrow,
// c claims, x selects for a bulk action, ? shows the keys. Every key presses one of the item's own buttons, so
// the queue works the same without this script.
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll(".review-item"));
  if (items.length === 0) { return; }
  var help = document.getElementById("review-keys");
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

  function press(action) {
    var button = items[current].querySelector("button[value='" + action + "']");
    if (button) { button.click(); }
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT" || target.tagName === "SELECT")) {
      if (event.key === "Escape") { target.blur(); items[current].focus(); }
      return;
    }
    switch (event.key) {
      case "j": focus(current + 1); break;
      case "k": focus(current - 1); break;
      case "a": press("approve"); break;
      case "h": press("hide"); break;
      case "d": press("defer"); break;
      case "c": press("claim"); break;
      case "x":
        var box = items[current].querySelector("input[type=checkbox]");
        if (box) { box.checked = !box.checked; }
        break;
      case "?": if (help) { help.hidden = !help.hidden; } break;
      default: return;
    }
    event.preventDefault();
  });

  items.forEach(function (item, i) {
    item.addEventListener("focusin", function () { select(i); });
  });
  document.body.classList.add("keyboard-ready");
  focus(0);
})();
