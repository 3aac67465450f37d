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
      expanded();
      box.focus();
      event.preventDefault();
    }
  });
  // The box tells assistive technology whether its list of suggestions is open.
  function expanded() {
    var box = document.getElementById("id_q");
    if (box) { box.setAttribute("aria-expanded", links().length ? "true" : "false"); }
  }
  document.addEventListener("htmx:afterSwap", expanded);
  // Focus leaving the box and its list (Tab) closes the list too.
  document.addEventListener("focusout", function (event) {
    var box = document.getElementById("id_q");
    var list = document.getElementById("search-suggest");
    if (!box || !list || !links().length) { return; }
    if (event.target !== box && !list.contains(event.target)) { return; }
    var next = event.relatedTarget;
    if (next && (next === box || list.contains(next))) { return; }
    list.innerHTML = "";
    expanded();
  });
  // A click anywhere outside the box and its list closes the list (it stayed over the page).
  document.addEventListener("click", function (event) {
    var box = document.getElementById("id_q");
    var list = document.getElementById("search-suggest");
    if (!box || !list || !links().length) { return; }
    if (event.target === box || list.contains(event.target)) { return; }
    list.innerHTML = "";
    expanded();
  });
})();
// Filters left empty stay out of the address (?q=稀土, not ?q=稀土&region=&trl_min=&…): shorter links
// to share, and the same cached page as a link without them.
document.addEventListener("submit", function (event) {
  "use strict";
  var form = event.target;
  if (!form || form.id !== "search-form") { return; }
  Array.prototype.forEach.call(form.elements, function (field) {
    var unchanged = field.value === "" || field.value === field.getAttribute("data-default");
    if (field.name && field.name !== "q" && !field.disabled && unchanged &&
        (field.tagName === "INPUT" || field.tagName === "SELECT")) {
      field.disabled = true;
    }
  });
});
window.addEventListener("pageshow", function () {  // back to a page whose form was sent: usable again
  "use strict";
  var form = document.getElementById("search-form");
  if (!form) { return; }
  Array.prototype.forEach.call(form.elements, function (field) { field.disabled = false; });
});
