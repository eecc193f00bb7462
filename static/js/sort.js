// Sorts a taxonomy index by name or by count. Without JavaScript the list
// stays in name order and the buttons stay hidden.
(function () {
  "use strict";
  var list = document.querySelector("[data-sortable]");
  var bar = document.querySelector(".term-sort");
  if (!list || !bar) return;
  bar.hidden = false;
  var items = Array.prototype.slice.call(list.children);
  function sortBy(key) {
    var sorted = items.slice().sort(function (a, b) {
      if (key === "count") {
        var d = Number(b.dataset.count) - Number(a.dataset.count);
        if (d !== 0) return d;
      }
      return a.dataset.name.localeCompare(b.dataset.name);
    });
    sorted.forEach(function (li) { list.appendChild(li); });
    bar.querySelectorAll("button").forEach(function (btn) {
      btn.setAttribute("aria-pressed", String(btn.dataset.sort === key));
    });
  }
  bar.addEventListener("click", function (e) {
    var btn = e.target.closest("button[data-sort]");
    if (btn) sortBy(btn.dataset.sort);
  });
})();
