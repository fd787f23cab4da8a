// The inbox's own keys and selection, on top of app.js (j/k move, Enter opens, ? help, and
// data-key buttons — the alert page's a/r/e are plain data-key elements).
// In the inbox: x selects the current row; a / r acknowledge / resolve the selected rows
// through the selection bar, or else the current row; e puts the cursor in "Assign to"
// (selecting the current row when nothing is selected).
(function () {
  "use strict";

  const bulk = document.getElementById("bulk-form");
  const onInbox = document.getElementById("inbox-filters") !== null;
  if (!onInbox || !window.listener) return;

  function selected() {
    return Array.from(document.querySelectorAll("input[data-select]:checked"));
  }

  function updateCount() {
    const count = document.querySelector("[data-selected-count]");
    if (count) count.textContent = String(selected().length);
    document.querySelectorAll("tr[data-row]").forEach((row) => {
      const box = row.querySelector("input[data-select]");
      row.classList.toggle("is-selected", Boolean(box && box.checked));
    });
  }

  function bulkButton(action) {
    return bulk ? bulk.querySelector('button[name="action"][value="' + action + '"]') : null;
  }

  function act(action, row) {
    if (selected().length > 0) {
      const button = bulkButton(action);
      if (button) button.click();
      return;
    }
    if (!row) return;
    const button = row.querySelector('[data-action="' + action + '"]');
    if (button) button.click();
  }

  const shortcuts = window.listener.shortcuts;
  shortcuts.register("x", "select / unselect the current alert", (event, row) => {
    const box = row ? row.querySelector("input[data-select]") : null;
    if (!box) return;
    box.checked = !box.checked;
    updateCount();
  });
  shortcuts.register("a", "acknowledge (the selected alerts, else the current one)", (e, row) => act("acknowledge", row));
  shortcuts.register("r", "resolve (the selected alerts, else the current one)", (e, row) => act("resolve", row));
  shortcuts.register("e", "assign (type a name, then Enter)", (event, row) => {
    const input = document.getElementById("bulk-assignee");
    if (!input) return;
    if (selected().length === 0 && row) {
      const box = row.querySelector("input[data-select]");
      if (box) box.checked = true;
      updateCount();
    }
    input.focus();
  });

  // Enter in "Assign to" assigns (not the form's first button, which acknowledges).
  const assignee = document.getElementById("bulk-assignee");
  if (assignee) {
    assignee.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      const button = bulkButton("assign");
      if (button) button.click();
      assignee.blur(); // back to the list's keys
    });
  }

  // A checkbox ticked with the mouse gives the focus back to the page, so the list's keys
  // (which stay quiet while a form control has the focus) act on the selection at once.
  document.addEventListener("click", (event) => {
    const box = event.target instanceof Element ? event.target.closest("input[data-select]") : null;
    if (box && event.detail > 0) box.blur();
  });

  document.addEventListener("change", (event) => {
    if (event.target instanceof Element && event.target.matches("input[data-select]")) updateCount();
  });
  // An action swaps its row for the updated one: the new row stays the current one, so
  // j / k go on from where they were.
  let currentId = null;
  document.addEventListener("htmx:beforeRequest", () => {
    const current = document.querySelector("tr[data-row].is-current");
    currentId = current ? current.id : null;
  });
  // htmx:load fires on the new content (the swapped-out row, detached, tells nobody).
  document.addEventListener("htmx:load", () => {
    if (currentId && !document.querySelector("tr[data-row].is-current")) {
      const again = document.getElementById(currentId);
      if (again) again.classList.add("is-current");
    }
    updateCount();
  });

  // The fallback poll asks for alerts newer than the newest row on the page, streamed
  // ones included, so it speaks only when the stream missed something.
  document.addEventListener("htmx:configRequest", (event) => {
    const source = event.detail.elt;
    if (!(source instanceof Element) || source.id !== "inbox-newer") return;
    let newest = Number(source.getAttribute("data-after") || "0");
    document.querySelectorAll("tr[data-alert-id]").forEach((row) => {
      newest = Math.max(newest, Number(row.getAttribute("data-alert-id")));
    });
    event.detail.parameters.after = String(newest);
  });
})();
