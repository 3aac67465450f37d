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
})();
