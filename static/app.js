// listener — the behaviour every page shares. Loaded with `defer` after htmx (base.html).
//
// What other features use (no inline scripts: the CSP allows none):
// - Keyboard: rows marked [data-row] are walked with j / k (the current one gets .is-current),
//   Enter follows the current row's [data-open] link (else its first link). An element with
//   data-key="a" is clicked when "a" is pressed (the one inside the current row first).
//   Give it data-shortcut-help="a: acknowledge" so "?" lists it. From a feature's own JS:
//   listener.shortcuts.register("x", "what x does", handler).
// - Copy: a button with data-copy-target="#draft-3" copies that element's text (or value).
// - Times: <time class="relative" datetime="2026-12-05T10:00:00Z"> shows "5 min ago",
//   refreshed every 30 s; the exact time is its title (hover).
// - Confirm: data-confirm="Resolve 12 alerts?" on a button, link or form asks first, in the
//   styled #confirm-dialog (never window.confirm). Works for htmx requests and plain forms.
(function () {
  "use strict";

  const registered = new Map(); // key -> {help, handler}

  function typing(target) {
    if (!(target instanceof Element)) return false;
    const tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  function rows() {
    return Array.from(document.querySelectorAll("[data-row]"));
  }

  function currentRow() {
    return document.querySelector("[data-row].is-current");
  }

  function moveCurrent(step) {
    const all = rows();
    if (all.length === 0) return;
    const now = currentRow();
    let index = now ? all.indexOf(now) + step : step > 0 ? 0 : all.length - 1;
    index = Math.max(0, Math.min(all.length - 1, index));
    if (now) now.classList.remove("is-current");
    const next = all[index];
    next.classList.add("is-current");
    next.scrollIntoView({ block: "nearest" });
  }

  function openCurrent() {
    const row = currentRow();
    if (!row) return false;
    const link = row.querySelector("[data-open]") || row.querySelector("a[href]");
    if (!link) return false;
    link.click();
    return true;
  }

  function ownsEnter(target) {
    return target === document.body || target === document.documentElement ||
      (target instanceof Element && target.matches("[data-row]"));
  }

  function keyedElement(key) {
    const selector = '[data-key="' + CSS.escape(key) + '"]';
    const row = currentRow();
    const inRow = row ? row.querySelector(selector) : null;
    const found = inRow || document.querySelector(selector);
    return found && !found.disabled ? found : null;
  }

  function showHelp() {
    const dialog = document.getElementById("shortcuts-dialog");
    if (!dialog) return;
    const list = dialog.querySelector("[data-shortcut-list]");
    list.querySelectorAll("[data-added]").forEach((node) => node.remove());
    // One line per key: a page's own wording ("next / previous alert") replaces the
    // dialog's general one ("next / previous row") instead of listing the key twice.
    const norm = (keys) => keys.replace(/\s+/g, "");
    const lines = new Map();
    list.querySelectorAll("dt").forEach((term) => {
      const description = term.nextElementSibling;
      if (!description) return;
      if (description.dataset.general === undefined) description.dataset.general = description.textContent;
      description.textContent = description.dataset.general;
      lines.set(norm(term.textContent), description);
    });
    const seen = new Set();
    const add = (keys, what) => {
      const key = norm(keys);
      if (seen.has(key)) return;
      seen.add(key);
      const known = lines.get(key);
      if (known) {
        known.textContent = what;
        return;
      }
      const term = document.createElement("dt");
      const kbd = document.createElement("kbd");
      kbd.textContent = keys;
      term.appendChild(kbd);
      const description = document.createElement("dd");
      description.textContent = what;
      term.dataset.added = description.dataset.added = "1";
      list.append(term, description);
    };
    document.querySelectorAll("[data-shortcut-help]").forEach((node) => {
      const text = node.getAttribute("data-shortcut-help");
      const split = text.indexOf(":");
      if (split > 0) add(text.slice(0, split).trim(), text.slice(split + 1).trim());
      else add(node.getAttribute("data-key") || "", text);
    });
    registered.forEach((entry, key) => add(key, entry.help));
    if (!dialog.open) dialog.showModal();
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target) || document.querySelector("dialog[open]")) return;
    const key = event.key;
    let handled = true;
    if (key === "j") moveCurrent(1);
    else if (key === "k") moveCurrent(-1);
    // Enter on a focused link or button is that element's own; only from the page is it ours.
    else if (key === "Enter") handled = ownsEnter(event.target) && openCurrent();
    else if (key === "?") showHelp();
    else if (registered.has(key)) registered.get(key).handler(event, currentRow());
    else {
      const target = keyedElement(key);
      if (target) target.click();
      else handled = false;
    }
    if (handled) event.preventDefault();
  });

  // ---- copy to clipboard -----------------------------------------------------------------

  async function copyFrom(button) {
    const target = document.querySelector(button.getAttribute("data-copy-target"));
    if (!target) return;
    const text = "value" in target && typeof target.value === "string" ? target.value : target.innerText;
    try {
      await navigator.clipboard.writeText(text);
    } catch (_) {
      // No clipboard permission (plain http on another host): select it for Ctrl+C instead.
      const range = document.createRange();
      range.selectNodeContents(target);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }
    button.classList.add("is-copied");
    window.setTimeout(() => button.classList.remove("is-copied"), 1500);
  }

  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("[data-copy-target]") : null;
    if (!button) return;
    event.preventDefault();
    copyFrom(button);
  });

  // ---- relative times ----------------------------------------------------------------------

  const units = [
    ["year", 365 * 24 * 3600],
    ["month", 30 * 24 * 3600],
    ["week", 7 * 24 * 3600],
    ["day", 24 * 3600],
    ["hour", 3600],
    ["minute", 60],
    ["second", 1],
  ];
  const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto", style: "short" });
  const exact = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "long" });

  function describe(when, now) {
    const seconds = Math.round((when - now) / 1000);
    if (Math.abs(seconds) < 45) return seconds <= 0 ? "just now" : "in a moment";
    for (const [unit, size] of units) {
      if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
    }
    return relative.format(seconds, "second");
  }

  function refreshTimes(root) {
    const now = Date.now();
    (root || document).querySelectorAll("time.relative[datetime]").forEach((node) => {
      const when = Date.parse(node.getAttribute("datetime"));
      if (Number.isNaN(when)) return;
      node.textContent = describe(when, now);
      if (!node.title) node.title = exact.format(new Date(when));
    });
  }

  refreshTimes(document);
  window.setInterval(() => refreshTimes(document), 30000);

  // ---- confirmation ------------------------------------------------------------------------

  function ask(question) {
    const dialog = document.getElementById("confirm-dialog");
    if (!dialog) return Promise.resolve(false);
    dialog.querySelector("[data-confirm-text]").textContent = question;
    dialog.returnValue = "";
    return new Promise((resolve) => {
      dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
      dialog.showModal();
    });
  }

  const confirmed = new WeakSet();

  // htmx asks before every request it makes; only those marked data-confirm wait for a yes.
  document.addEventListener("htmx:confirm", (event) => {
    const source = event.detail.elt.closest("[data-confirm]");
    if (!source) return;
    event.preventDefault();
    ask(source.getAttribute("data-confirm")).then((yes) => {
      if (yes) event.detail.issueRequest(true);
    });
  });

  // Plain forms and links (no htmx on them).
  function hasHtmx(element) {
    return ["hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete"].some((a) => element.hasAttribute(a));
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    const asker = event.submitter && event.submitter.hasAttribute("data-confirm") ? event.submitter : form;
    if (!asker.hasAttribute("data-confirm") || hasHtmx(form) || confirmed.has(form)) {
      confirmed.delete(form);
      return;
    }
    event.preventDefault();
    const submitter = event.submitter;
    ask(asker.getAttribute("data-confirm")).then((yes) => {
      if (!yes) return;
      confirmed.add(form);
      form.requestSubmit(submitter || undefined);
    });
  }, true);

  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a[data-confirm][href]") : null;
    if (!link || hasHtmx(link)) return;
    event.preventDefault();
    ask(link.getAttribute("data-confirm")).then((yes) => {
      if (yes) window.location.assign(link.href);
    });
  });

  document.addEventListener("click", (event) => {
    const opener = event.target instanceof Element ? event.target.closest("[data-shortcuts-open]") : null;
    if (opener) showHelp();
  });

  // New content from htmx (a swapped inbox row, a streamed alert) gets its times too.
  document.addEventListener("htmx:load", (event) => refreshTimes(event.detail.elt));

  window.listener = Object.freeze({
    shortcuts: Object.freeze({
      register(key, help, handler) {
        registered.set(key, { help, handler });
      },
    }),
    refreshTimes,
    confirm: ask,
  });
})();
