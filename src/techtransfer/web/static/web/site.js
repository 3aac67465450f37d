// An htmx request that fails (a search suggestion, a form sent in place, a poll) says so: htmx swaps
// nothing of a 4xx/5xx answer by default, so the person saw no reaction at all.
// The platform's error answers to htmx (web.views.error_page: 400, 403, 404, 405, CSRF, 503 busy)
// are a short alert in the reader's language aimed at base.html's #htmx-alert (HX-Retarget): let htmx
// swap it there. Any other failure (a 500, an empty 4xx, no connection) shows the region's fallback
// text, written in the page's language. An element inside [data-htmx-errors="quiet"] (an optional
// panel that removes itself) is left alone.
(function () {
  "use strict";
  var sourceElt = null;
  var sourceId = "";

  function region() { return document.getElementById("htmx-alert"); }

  function quiet(elt) {
    return !!(elt && elt.closest && elt.closest('[data-htmx-errors="quiet"]'));
  }

  function remember(elt) {
    sourceElt = elt || null;
    sourceId = (elt && elt.id) || "";
  }

  function showFallback(elt) {
    var box = region();
    if (!box) { return; }
    var alert = document.createElement("div");
    alert.className = "alert alert-danger alert-dismissible shadow mb-0";
    alert.setAttribute("role", "alert");
    alert.textContent = box.getAttribute("data-fallback") || "";
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("data-bs-dismiss", "alert");
    close.setAttribute("aria-label", box.getAttribute("data-dismiss") || "");
    alert.appendChild(close);
    box.replaceChildren(alert);
    remember(elt);
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (!detail.xhr || detail.xhr.status < 400 || quiet(detail.elt)) { return; }
    if (detail.target && detail.target.id === "htmx-alert") {
      detail.shouldSwap = true;
      remember(detail.elt);
    } else {
      showFallback(detail.elt);
    }
  });

  document.addEventListener("htmx:sendError", function (event) {
    if (!quiet(event.detail.elt)) { showFallback(event.detail.elt); }
  });

  // The same element's next request went through (a poll, a retried suggestion): its alert is stale.
  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    if (!event.detail.successful || !elt || (elt !== sourceElt && !(sourceId && elt.id === sourceId))) { return; }
    var box = region();
    if (box) { box.replaceChildren(); }
    remember(null);
  });
})();

// A table wider than the window scrolls sideways inside its .table-responsive box (phones). A box with
// nothing focusable inside (no link, no button) could not be scrolled from the keyboard (WCAG 2.1.1,
// axe's scrollable-region-focusable): while it overflows, such a box takes the focus itself, as a
// region named by its table's caption or else the heading before it. Checked on load, when the window
// is resized and after htmx swaps part of the page.
(function () {
  "use strict";
  var FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])";
  var MARK = "data-scroll-focus";

  function headingBefore(elt) {
    for (var node = elt; node && node !== document.body; node = node.parentElement) {
      for (var prev = node.previousElementSibling; prev; prev = prev.previousElementSibling) {
        if (/^H[1-6]$/.test(prev.tagName)) { return prev; }
        var inner = prev.querySelectorAll("h1, h2, h3, h4, h5, h6");
        if (inner.length) { return inner[inner.length - 1]; }
      }
    }
    return null;
  }

  function name(box) {
    var table = box.querySelector("table");
    var caption = table && table.caption ? table.caption.textContent.trim() : "";
    if (caption) { return caption; }
    var heading = headingBefore(box);
    return heading ? heading.textContent.trim() : "";
  }

  function mark() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var overflows = box.scrollWidth > box.clientWidth + 1;
      if (box.hasAttribute(MARK)) {
        if (!overflows) {
          ["tabindex", "role", "aria-label", MARK].forEach(function (a) { box.removeAttribute(a); });
        }
        return;
      }
      if (!overflows || box.hasAttribute("tabindex") || box.querySelector(FOCUSABLE)) { return; }
      box.setAttribute("tabindex", "0");
      box.setAttribute(MARK, "");
      var label = name(box);
      if (label) {
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", label);
      }
    });
  }

  var timer = null;
  function later() {
    clearTimeout(timer);
    timer = setTimeout(mark, 150);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
  window.addEventListener("resize", later);
  document.addEventListener("htmx:afterSettle", later);
})();

// Behaviours that were inline attributes and scripts (onchange, onsubmit, onfocus, hx-on, a <script>
// after the form's error summary), kept here so that the Content-Security-Policy allows scripts from
// this site's files only (no 'unsafe-inline', no 'unsafe-eval' for htmx's hx-on).
(function () {
  "use strict";
  // The summary of a form's errors takes the focus: on a phone the first field with an error may be
  // screens below. On the page as loaded, and in what htmx swaps in (a form sent in place).
  function focusSummary(root) {
    var summary = root.matches && root.matches(".form-error-summary") ? root : root.querySelector(".form-error-summary");
    if (summary) { summary.focus(); }
  }
  focusSummary(document);
  document.addEventListener("htmx:load", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt !== document.body) { focusSummary(elt); }
  });
  // <select data-submit-on-change>: the language switch sends its form when a language is chosen.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field && field.form && field.hasAttribute("data-submit-on-change")) { field.form.submit(); }
  });
  // <form data-confirm="question">: sent only once the person confirms (deleting a subscription).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
  // <input data-select-on-focus>: the new API token is selected whole, ready to copy.
  document.addEventListener("focusin", function (event) {
    var field = event.target;
    if (field && field.hasAttribute && field.hasAttribute("data-select-on-focus")) { field.select(); }
  });
  // An optional panel (recommendations, "more like this") that fails to load removes itself.
  document.addEventListener("htmx:responseError", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.hasAttribute("data-remove-on-error")) { elt.remove(); }
  });
  // data-clear-after-request="id": the county list empties when another province is chosen.
  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    var id = elt && elt.getAttribute && elt.getAttribute("data-clear-after-request");
    var target = id && document.getElementById(id);
    if (target) { target.replaceChildren(); }
  });
})();
