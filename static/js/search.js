// The search page. Without this file the page still works: the form is a plain GET.
// - Choosing a filter from a list (sentiment, complaint, order) or a date runs the search at
//   once; typed filters run on Enter, as the query box does.
// - "/" puts the cursor in the query box (as on most sites with search).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    const control = event.target;
    if (!(control instanceof HTMLSelectElement || (control instanceof HTMLInputElement && control.type === "date"))) return;
    const form = control.closest("#search-form");
    if (form) form.requestSubmit();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target instanceof HTMLElement && (target.isContentEditable ||
        ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return;
    const box = document.getElementById("q");
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  });
})();
