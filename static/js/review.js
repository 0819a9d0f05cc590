// The review pages' keyboard and in-place refusals (review queue and adjudication).
//
// Queue: j/k or ↓/↑ move between articles, Enter opens the focused one.
// Adjudication: j/k or ↓/↑ move between span rows; a accepts the row's span
// into gold, x takes it out; a digit relabels the focused gold span, or adds
// the text selected in the article with that label; ? shows the shortcuts.
// A refused action (400, 409) comes back from the server already rendered and
// retargeted (HX-Retarget) to the error slot of the form that caused it; the
// page-wide static/js/errors.js swaps exactly those in and reports a dropped
// connection or an unexpected answer in #review-errors (data-error-slot).
// This file only forgets the keys that waited for a refused action.
// One gold action runs at a time; keys pressed meanwhile replay afterwards.
(function () {
  "use strict";

  function editable(target) {
    return Boolean(target && target.closest &&
      target.closest("input, textarea, select, [contenteditable]"));
  }

  function typing(target) {
    return editable(target) || Boolean(target && target.closest && target.closest("dialog"));
  }

  // -- the shortcut overlay -------------------------------------------------

  function toggleShortcuts(force) {
    const dialog = document.getElementById("shortcuts");
    if (!dialog) return;
    const open = force === undefined ? !dialog.open : force;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }

  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-shortcuts-open]")) toggleShortcuts(true);
  });

  // -- moving through a list of rows ------------------------------------------

  function move(items, current, step) {
    if (!items.length) return null;
    const at = items.indexOf(current);
    const next = at === -1 ? (step > 0 ? 0 : items.length - 1)
      : Math.min(items.length - 1, Math.max(0, at + step));
    items[next].focus();
    items[next].scrollIntoView({ block: "nearest" });
    return items[next];
  }

  function step(key) {
    if (key === "j" || key === "ArrowDown") return 1;
    if (key === "k" || key === "ArrowUp") return -1;
    return 0;
  }

  // -- adjudication -----------------------------------------------------------

  const pending = { key: null, index: -1 };

  function spanRows() {
    return Array.from(document.querySelectorAll("tr[data-testid=span-row]"));
  }

  function currentRow() {
    const active = document.activeElement;
    return active && active.closest ? active.closest("tr[data-testid=span-row]") : null;
  }

  function focusAfterSwap(row, nextRow, key) {
    const rows = spanRows();
    pending.index = rows.indexOf(row);
    pending.key = key || (nextRow ? nextRow.dataset.span : row.dataset.span);
  }

  function restoreFocus() {
    if (pending.key === null) return;
    const rows = spanRows();
    const row = rows.find((r) => r.dataset.span === pending.key) ||
      rows[Math.min(pending.index, rows.length - 1)];
    pending.key = null;
    if (row) row.focus();
  }

  function submit(form) {
    if (form) form.requestSubmit();
  }

  function acceptOrReject(row, accept) {
    const rows = spanRows();
    const nextRow = rows[rows.indexOf(row) + 1] || null;
    const inGold = row.dataset.inGold === "true";
    const button = row.querySelector(accept ? "[data-testid=accept-span]" : "[data-testid=remove-span]");
    if ((accept && inGold) || (!accept && !inGold) || !button) {
      if (nextRow) nextRow.focus();  // already as asked: go on
      return;
    }
    focusAfterSwap(row, nextRow);
    button.click();  // a click, so htmx sends the button's action=accept|remove
  }

  function labelForShortcut(digit) {
    const option = document.querySelector('#gold-label option[data-shortcut="' + digit + '"]');
    return option ? option.value : null;
  }

  function relabel(row, label) {
    const select = row.querySelector("[data-testid=relabel-select]");
    if (!select || select.value === label) return false;
    select.value = label;
    const [start, end] = row.dataset.span.split("-");
    focusAfterSwap(row, null, start + "-" + end + "-" + label);
    submit(select.form);
    return true;
  }

  // A selection boundary in #review-text as a code-point offset into the article.
  function pointOffset(box, node, offset) {
    if (node.nodeType === Node.TEXT_NODE) {
      const seg = node.parentElement && node.parentElement.closest(".seg");
      if (!seg || !box.contains(seg)) return null;
      return Number(seg.dataset.start) + Array.from(node.textContent.slice(0, offset)).length;
    }
    if (node === box) {
      const child = box.children[offset];
      return child ? Number(child.dataset.start) : Number(box.lastElementChild.dataset.end);
    }
    const seg = node.closest && node.closest(".seg");
    if (!seg || !box.contains(seg)) return null;
    return Number(offset === 0 ? seg.dataset.start : seg.dataset.end);
  }

  function selectedOffsets() {
    const box = document.getElementById("review-text");
    const sel = window.getSelection();
    if (!box || !sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    const range = sel.getRangeAt(0);
    if (!box.contains(range.startContainer) || !box.contains(range.endContainer)) return null;
    let start = pointOffset(box, range.startContainer, range.startOffset);
    let end = pointOffset(box, range.endContainer, range.endOffset);
    if (start === null || end === null) return null;
    const chosen = Array.from(sel.toString());
    const lead = chosen.findIndex((c) => !/\s/.test(c));
    if (lead === -1) return null;
    let trail = 0;
    while (trail < chosen.length && /\s/.test(chosen[chosen.length - 1 - trail])) trail += 1;
    start += lead;
    end -= trail;
    return start < end ? { start, end } : null;
  }

  function fillOffsets() {
    const offsets = selectedOffsets();
    const start = document.getElementById("gold-start");
    const end = document.getElementById("gold-end");
    if (!offsets || !start || !end) return null;
    start.value = offsets.start;
    end.value = offsets.end;
    return offsets;
  }

  function addOffsets(offsets, label) {
    const start = document.getElementById("gold-start");
    const end = document.getElementById("gold-end");
    const select = document.getElementById("gold-label");
    if (!offsets || !label || !start || !end || !select) return false;
    start.value = offsets.start;
    end.value = offsets.end;
    select.value = label;
    window.getSelection().removeAllRanges();
    submit(document.getElementById("add-span"));
    return true;
  }

  function addSelection(label) {
    return addOffsets(selectedOffsets(), label);
  }

  // -- one gold action at a time ----------------------------------------------
  // Every form carries the gold version it saw, so a second request sent before
  // the first one's answer would be refused as stale. Keys pressed and choices
  // made meanwhile wait, and replay in order on the page that comes back.

  const waiting = [];
  let busy = false;
  let pendingChoice = null;

  function actionKey(key) {
    return Boolean(step(key) || key === "a" || key === "x" ||
      (/^[0-9]$/.test(key) && labelForShortcut(key)));
  }

  function locate(select) {
    if (select.id) return "#" + CSS.escape(select.id);
    const row = select.closest("tr[data-span]");
    return row ? 'tr[data-span="' + CSS.escape(row.dataset.span) + '"] select[name="' + select.name + '"]' : null;
  }

  function choose(select) {
    if (!busy) { submit(select.form); return; }
    const where = locate(select);
    if (where) pendingChoice = { where, values: Array.from(select.selectedOptions, (o) => o.value) };
  }

  function drain() {
    if (busy) return;
    if (pendingChoice) {
      const choice = pendingChoice;
      pendingChoice = null;
      const select = document.querySelector(choice.where);
      if (select) {
        Array.from(select.options).forEach((o) => { o.selected = choice.values.includes(o.value); });
        submit(select.form);
        return;
      }
    }
    while (!busy && waiting.length) {
      const next = waiting.shift();
      onAdjudicationKey({ key: next.key, offsets: next.offsets, preventDefault() {} });
    }
  }

  function forget() {
    waiting.length = 0;
    pendingChoice = null;
    pending.key = null;
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    if (event.target.closest && event.target.closest("#adjudication")) busy = true;
  });

  document.addEventListener("htmx:afterRequest", () => {
    if (!busy) return;
    busy = false;
    setTimeout(drain, 0);
  });

  function onAdjudicationKey(event) {
    const key = event.key;
    if (busy) {
      if (!actionKey(key)) return;
      event.preventDefault();
      waiting.push({ key, offsets: /^[0-9]$/.test(key) ? selectedOffsets() : null });
      return;
    }
    if (event.offsets) {  // a label key pressed on a selection while a save was running
      addOffsets(event.offsets, labelForShortcut(key));
      return;
    }
    const row = currentRow();
    const direction = step(key);
    if (direction) {
      event.preventDefault();
      pending.key = null;  // the reviewer moved on: do not pull the focus back later
      move(spanRows(), row, direction);
    } else if ((key === "a" || key === "x") && row) {
      event.preventDefault();
      acceptOrReject(row, key === "a");
    } else if (/^[0-9]$/.test(key)) {
      const label = labelForShortcut(key);
      if (!label) return;
      if (addSelection(label) || (row && relabel(row, label))) event.preventDefault();
    }
  }

  // -- the queue --------------------------------------------------------------

  function onQueueKey(event) {
    const direction = step(event.key);
    if (!direction) return;
    event.preventDefault();
    const links = Array.from(document.querySelectorAll("[data-testid=review-item-link]"));
    const active = document.activeElement;
    move(links, links.includes(active) ? active : null, direction);
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "?" && !editable(event.target)) {
      event.preventDefault();
      toggleShortcuts();
      return;
    }
    if (typing(event.target)) return;
    if (document.getElementById("adjudication")) onAdjudicationKey(event);
    else if (document.querySelector("[data-testid=review-queue]")) onQueueKey(event);
  });

  document.addEventListener("mouseup", fillOffsets);

  document.addEventListener("change", (event) => {
    const select = event.target.closest && event.target.closest("select[data-autosubmit]");
    if (select && select.form) choose(select);
  });

  // -- answers from the server ------------------------------------------------

  document.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.xhr.status >= 400) forget();  // what waited assumed this action would pass
  });

  document.addEventListener("htmx:afterSwap", restoreFocus);
  document.addEventListener("htmx:sendError", forget);
})();
