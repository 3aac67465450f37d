// Classification suggestions (search/_classify_suggestions.html): a click fills the form's select.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-suggest-fill]");
    if (!button) { return; }
    var select = document.getElementById(button.getAttribute("data-suggest-fill"));
    if (!select) { return; }
    select.value = button.getAttribute("data-suggest-value");
    select.dispatchEvent(new Event("change", { bubbles: true }));
    var group = button.closest("[data-suggest-group]");
    if (group) {
      group.querySelectorAll("[data-suggest-fill]").forEach(function (b) {
        b.classList.toggle("active", b === button);
        b.setAttribute("aria-pressed", b === button ? "true" : "false");
      });
    }
  });
  // A value chosen by hand (or a suggestion's value chosen by hand) marks the matching button, if any.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select || select.tagName !== "SELECT" || !select.id) { return; }
    document.querySelectorAll('[data-suggest-fill="' + select.id + '"]').forEach(function (b) {
      var chosen = b.getAttribute("data-suggest-value") === select.value;
      b.classList.toggle("active", chosen);
      b.setAttribute("aria-pressed", chosen ? "true" : "false");
    });
  });
  // Suggestions loaded after the form (an edit page, a form sent back with errors) mark the values
  // already chosen.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.target || event.target.id !== "classify-suggestions") { return; }
    event.target.querySelectorAll("[data-suggest-fill]").forEach(function (b) {
      var select = document.getElementById(b.getAttribute("data-suggest-fill"));
      var chosen = !!select && select.value === b.getAttribute("data-suggest-value");
      b.classList.toggle("active", chosen);
      b.setAttribute("aria-pressed", chosen ? "true" : "false");
    });
  });
})();
