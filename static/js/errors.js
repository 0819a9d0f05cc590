/*
 * One place for every answer that is not a success, on every page (loaded by base.html).
 *
 * htmx: a refusal the server rendered for its slot (4xx with `HX-Retarget`) is
 * swapped in there and the focus moves to its message; any other failed answer
 * (400, 403, 404, 409, 413, 500 …, Django's debug page under DEBUG=True) is
 * never swapped: a short message in the user's language appears next to the
 * element that sent the request, and gets the focus. A dropped connection or a
 * timeout says so the same way. Messages come from #request-error-texts
 * (translated in base.html).
 *
 * fetch: `NewsroomErrors.fetch(url, options, near)` reports the same way, with
 * the `detail` / field messages of a JSON answer when there are any.
 *
 * Where "next to" is: the element named by the closest `data-error-slot`
 * attribute (a CSS selector), else a `.request-error` box right after the
 * element (inside its form when it has one). Refusals may name fields:
 * `[data-field="q:key"]` items are copied into `[data-field-errors="q:key"]`
 * next to that field, and the first one gets the focus.
 */
(function (root) {
  "use strict";

  function texts() {
    const node = document.getElementById("request-error-texts");
    return node ? node.dataset : {};
  }

  function messageFor(status) {
    const t = texts();
    if (!status) return t.offline || "No connection to the server.";
    const known = t["s" + status];
    if (known) return known;
    return (t.other || "The server could not do this (error {status}).").replace("{status}", status);
  }

  function slotFor(elt) {
    if (!elt || !elt.closest) elt = document.getElementById("main") || document.body;
    const owner = elt.closest("[data-error-slot]");
    if (owner) {
      const slot = document.querySelector(owner.dataset.errorSlot);
      if (slot) return slot;
    }
    const anchor = elt;
    const next = anchor.nextElementSibling;
    if (next && next.classList.contains("request-error")) return next;
    const box = document.createElement("div");
    box.className = "request-error";
    if (anchor === document.body || anchor.id === "main") anchor.prepend(box);
    else anchor.insertAdjacentElement("afterend", box);
    return box;
  }

  /** Show `message` next to `elt` and move the focus there; returns the message element. */
  function show(elt, message, extra, quiet) {
    const slot = slotFor(elt);
    const box = document.createElement("div");
    box.className = "alert error request-error-message";
    box.setAttribute("role", "alert");
    box.setAttribute("data-testid", "request-error");
    box.tabIndex = -1;
    const p = document.createElement("p");
    p.textContent = message;
    box.appendChild(p);
    for (const line of extra || []) {
      const item = document.createElement("p");
      item.className = "small";
      item.textContent = line;
      box.appendChild(item);
    }
    const kept = texts().kept;
    if (kept) {
      const note = document.createElement("p");
      note.className = "small";
      note.textContent = kept;
      box.appendChild(note);
    }
    slot.replaceChildren(box);
    if (!quiet) box.focus({ preventScroll: false });
    return box;
  }

  function clear(elt) {
    if (!elt || !elt.closest) return;
    const owner = elt.closest("[data-error-slot]");
    const slot = owner ? document.querySelector(owner.dataset.errorSlot) : elt.nextElementSibling;
    if (slot && (slot.classList.contains("request-error") || owner)) {
      const old = slot.querySelector(".request-error-message");
      if (old) old.remove();
    }
  }

  /** Copy field messages of a swapped refusal next to their fields; focus the first. */
  function placeFieldMessages(container) {
    document.querySelectorAll("[data-field-errors]").forEach((node) => {
      node.textContent = "";
      node.hidden = true;
      const group = node.closest("fieldset, .field");
      if (group) group.removeAttribute("aria-invalid");
    });
    let first = null;
    container.querySelectorAll("[data-field]").forEach((item) => {
      const slot = document.querySelector('[data-field-errors="' + CSS.escape(item.dataset.field) + '"]');
      if (!slot) return;
      const line = document.createElement("span");
      line.textContent = item.textContent;
      if (slot.textContent) slot.appendChild(document.createElement("br"));
      slot.appendChild(line);
      slot.hidden = false;
      slot.tabIndex = -1;
      const group = slot.closest("fieldset, .field");
      if (group) group.setAttribute("aria-invalid", "true");
      first = first || slot;
    });
    return first;
  }

  function focusRefusal(target) {
    if (!target) return;
    const first = placeFieldMessages(target);
    const alert = first || target.querySelector("[role=alert]") || (target.matches("[role=alert]") ? target : null);
    if (!alert) return;
    if (!alert.hasAttribute("tabindex")) alert.tabIndex = -1;
    alert.focus({ preventScroll: false });
  }

  // -- htmx -------------------------------------------------------------------

  let refusalPending = false;

  document.addEventListener("htmx:beforeSwap", (event) => {
    const xhr = event.detail.xhr;
    if (xhr.status < 400) return;
    if (xhr.status < 500 && xhr.getResponseHeader("HX-Retarget")) {
      event.detail.shouldSwap = true; // a refusal rendered for its slot
      event.detail.isError = false;
      refusalPending = true;
      return;
    }
    event.detail.shouldSwap = false; // never swap an error page (or Django's debug page) in
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    if (!refusalPending) {
      placeFieldMessages(document.createElement("div")); // a success clears old field messages
      return;
    }
    refusalPending = false;
    const target = event.detail.target;
    // An outerHTML swap replaced the target: look its successor up by id.
    focusRefusal(target && target.id && !target.isConnected ? document.getElementById(target.id) : target);
  });

  function requestElt(event) {
    const config = event.detail.requestConfig;
    return (config && config.elt) || event.detail.elt || event.target;
  }

  /** A request the page sent by itself (autosave): report it, but leave the focus alone. */
  function background(event) {
    const trigger = (event.detail.requestConfig || {}).triggeringEvent;
    return Boolean(trigger && !trigger.isTrusted && trigger.type !== "submit" && trigger.type !== "click");
  }

  document.addEventListener("htmx:responseError", (event) => {
    show(requestElt(event), messageFor(event.detail.xhr.status), [], background(event));
  });
  document.addEventListener("htmx:sendError", (event) => show(requestElt(event), messageFor(0), [], background(event)));
  document.addEventListener("htmx:timeout", (event) => show(requestElt(event), messageFor(0), [], background(event)));
  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.successful) clear(requestElt(event));
  });

  // -- fetch ------------------------------------------------------------------

  function jsonMessages(body) {
    if (!body || typeof body !== "object") return [];
    if (typeof body.detail === "string") return [body.detail];
    const out = [];
    for (const [field, value] of Object.entries(body)) {
      const list = Array.isArray(value) ? value : [value];
      for (const item of list) if (typeof item === "string") out.push(field === "non_field_errors" ? item : field + ": " + item);
    }
    return out;
  }

  /** fetch() that reports failures next to `near`; resolves to the Response, or null offline. */
  async function reportingFetch(url, options, near) {
    let response;
    try {
      response = await fetch(url, options);
    } catch (error) {
      show(near, messageFor(0));
      return null;
    }
    if (response.ok) { clear(near); return response; }
    let extra = [];
    if ((response.headers.get("Content-Type") || "").includes("json")) {
      try { extra = jsonMessages(await response.clone().json()); } catch (e) { extra = []; }
    }
    show(near, messageFor(response.status), extra);
    return response;
  }

  root.NewsroomErrors = { show, clear, messageFor, fetch: reportingFetch, placeFieldMessages };
})(typeof globalThis !== "undefined" ? globalThis : this);
