// The search box's suggestions (search/_suggest.html) from the keyboard: ArrowDown from the box
// enters the list, ArrowUp/ArrowDown move in it, ArrowUp from the first returns to the box, Escape
// closes the list and returns to the box.
(function () {
  "use strict";
  function links() {
    return Array.prototype.slice.call(document.querySelectorAll("#suggest-list a"));
  }
  document.addEventListener("keydown", function (event) {
    var box = document.getElementById("id_q");
    var list = document.getElementById("search-suggest");
    if (!box || !list) { return; }
    var items = links();
    var at = items.indexOf(document.activeElement);
    if (event.target === box && event.key === "ArrowDown" && items.length) {
      items[0].focus();
      event.preventDefault();
    } else if (at >= 0 && event.key === "ArrowDown") {
      items[Math.min(at + 1, items.length - 1)].focus();
      event.preventDefault();
    } else if (at >= 0 && event.key === "ArrowUp") {
      (at === 0 ? box : items[at - 1]).focus();
      event.preventDefault();
    } else if ((at >= 0 || event.target === box) && event.key === "Escape" && items.length) {
      list.innerHTML = "";
      box.focus();
      event.preventDefault();
    }
  });
})();
