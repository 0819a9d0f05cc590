/*
 * newsroom annotation workspace: text selection, spans, suggestions, shortcuts.
 *
 * The page is server-rendered (templates/annotations/workspace/article.html);
 * this module only adds what needs a script: turning the browser's selection
 * into spans, drawing spans and suggestions over the text, the keyboard
 * shortcuts, and a debounced autosave that asks htmx to post the form.
 *
 * Offsets: the browser counts UTF-16 code units, the server code points
 * (Python str indices). Spans live here in UTF-16 units (what the DOM uses)
 * and are converted with `toCodepoints`/`fromCodepoints` at the edges.
 *
 * The pure functions at the top are exported for `node --test`
 * (tests/unit/js/); the DOM part runs only in a browser.
 */
(function (root) {
  "use strict";

  // ---- Pure helpers -------------------------------------------------------

  /** Code-point index of a UTF-16 offset; throws inside a surrogate pair. */
  function utf16ToCodepoint(text, offset) {
    if (offset < 0 || offset > text.length) throw new RangeError("offset outside the text");
    if (isInsidePair(text, offset)) throw new RangeError("offset inside a surrogate pair");
    let count = 0;
    for (let i = 0; i < offset; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && isLow(text.charCodeAt(i + 1))) i++;
      count++;
    }
    return count;
  }

  /** UTF-16 offset of a code-point index. */
  function codepointToUtf16(text, index) {
    let units = 0;
    for (let n = 0; n < index; n++) {
      if (units >= text.length) throw new RangeError("index outside the text");
      units += isPairAt(text, units) ? 2 : 1;
    }
    return units;
  }

  /** Both directions for one text at once (arrays, so 200 spans stay cheap). */
  function offsetMaps(text) {
    const toCp = new Int32Array(text.length + 1).fill(-1);
    const toU16 = [];
    let cp = 0;
    for (let u = 0; u < text.length; cp++) {
      toCp[u] = cp;
      toU16.push(u);
      u += isPairAt(text, u) ? 2 : 1;
    }
    toCp[text.length] = cp;
    toU16.push(text.length);
    return { toCp, toU16: Int32Array.from(toU16) };
  }

  function isLow(code) { return code >= 0xdc00 && code <= 0xdfff; }
  function isPairAt(text, u) {
    const code = text.charCodeAt(u);
    return code >= 0xd800 && code <= 0xdbff && u + 1 < text.length && isLow(text.charCodeAt(u + 1));
  }
  function isInsidePair(text, u) { return u > 0 && u < text.length && isPairAt(text, u - 1); }

  const WORD = /[\p{L}\p{N}\p{M}_]/u;
  const MARK = /\p{M}/u;
  const SPACE = /\s/u;

  function charAt(text, u) { return text.codePointAt(u) === undefined ? "" : String.fromCodePoint(text.codePointAt(u)); }
  function charBefore(text, u) {
    if (u <= 0) return "";
    return u >= 2 && isPairAt(text, u - 2) ? text.slice(u - 2, u) : text[u - 1];
  }
  function isWordChar(text, u) { return u < text.length && WORD.test(charAt(text, u)); }
  function isWordCharBefore(text, u) { return u > 0 && WORD.test(charBefore(text, u)); }

  /**
   * Clean up a selection [start, end) in UTF-16 units: never split a surrogate
   * pair or a base letter from its combining marks, trim white space, and
   * (when `snap`) widen both ends to whole words. Returns null when nothing is left.
   */
  function snapSelection(text, start, end, snap) {
    if (start > end) [start, end] = [end, start];
    start = Math.max(0, Math.min(start, text.length));
    end = Math.max(0, Math.min(end, text.length));
    if (isInsidePair(text, start)) start--;
    if (isInsidePair(text, end)) end++;
    while (start < end && SPACE.test(text[start])) start++;
    while (end > start && SPACE.test(text[end - 1])) end--;
    if (start >= end) return null;
    if (snap) {
      while (isWordCharBefore(text, start) && isWordChar(text, start)) start -= charBefore(text, start).length;
      while (isWordChar(text, end) && isWordCharBefore(text, end)) end += charAt(text, end).length;
    }
    while (start > 0 && MARK.test(charAt(text, start))) start -= charBefore(text, start).length;
    while (end < text.length && MARK.test(charAt(text, end))) end += charAt(text, end).length;
    return [start, end];
  }

  function overlaps(a, b) { return a.start < b.end && b.start < a.end; }
  function sameRange(a, b) { return a.start === b.start && a.end === b.end; }
  function spanKey(span) { return span.start + ":" + span.end + ":" + span.label; }

  /** The origin a span gets when a suggestion is taken with `label`. */
  function acceptedOrigin(suggestion, label) {
    return label === suggestion.label ? "suggestion_accepted" : "suggestion_edited";
  }

  /** Suggestions still waiting for a decision: not rejected, no span on their range. */
  function pendingSuggestions(suggestions, spans, rejected) {
    return suggestions.filter(
      (s) => !rejected.has(s.id) && !spans.some((span) => sameRange(span, s))
    );
  }

  /**
   * Split suggestions into those drawn inline (no two overlap, so each gets one
   * element in the text) and the rest, listed beside the text.
   */
  function layoutSuggestions(suggestions) {
    const ordered = [...suggestions].sort((a, b) => a.start - b.start || b.end - a.end);
    const inline = [];
    const overflow = [];
    let reach = -1;
    for (const s of ordered) {
      if (s.start >= reach) { inline.push(s); reach = s.end; } else overflow.push(s);
    }
    return { inline, overflow };
  }

  /** Sorted distinct cut points of the text for the given ranges. */
  function boundaries(length, ranges) {
    const cuts = new Set([0, length]);
    for (const r of ranges) { cuts.add(r.start); cuts.add(r.end); }
    return [...cuts].filter((c) => c >= 0 && c <= length).sort((a, b) => a - b);
  }

  /** Spans in UTF-16 units → what the server stores (code points, exact text). */
  function toCodepoints(text, spans, maps) {
    maps = maps || offsetMaps(text);
    return spans.map((span) => {
      const start = maps.toCp[span.start];
      const end = maps.toCp[span.end];
      if (start < 0 || end < 0) throw new RangeError("span boundary inside a character");
      const out = { start, end, label: span.label, text: text.slice(span.start, span.end), origin: span.origin || "manual" };
      if (span.attributes && Object.keys(span.attributes).length) out.attributes = span.attributes;
      return out;
    });
  }

  /**
   * Keyboard selection moves word by word (UTF-16 units): the end of the next
   * word to the right of `u`, or the start of the previous word to the left.
   * At the edges of the text they return the edge.
   */
  function nextWordEnd(text, u) {
    while (u < text.length && !isWordChar(text, u)) u += charAt(text, u).length || 1;
    while (u < text.length && isWordChar(text, u)) u += charAt(text, u).length;
    while (u < text.length && MARK.test(charAt(text, u))) u += charAt(text, u).length;
    return u;
  }
  function previousWordStart(text, u) {
    while (u > 0 && !isWordCharBefore(text, u)) u -= charBefore(text, u).length || 1;
    while (u > 0 && (isWordCharBefore(text, u) || MARK.test(charBefore(text, u)))) u -= charBefore(text, u).length;
    return u;
  }

  /**
   * A keyboard selection [start, end) without the punctuation, symbols and
   * white space at its ends (moving word by word passes over them); null when
   * no word is left.
   */
  function trimToWords(text, start, end) {
    if (start > end) [start, end] = [end, start];
    while (start < end && !isWordChar(text, start)) start += charAt(text, start).length || 1;
    while (end > start && !isWordCharBefore(text, end)) end -= charBefore(text, end).length || 1;
    return start < end ? [start, end] : null;
  }

  /** Label keys whose name or key contains every word of `query` (the palette's filter). */
  function filterLabels(labels, query) {
    const words = query.toLocaleLowerCase().split(/\s+/).filter(Boolean);
    return labels.filter((l) => {
      const hay = (l.name + " " + l.key).toLocaleLowerCase();
      return words.every((w) => hay.includes(w));
    });
  }

  /** Server spans (code points) → UTF-16 units for the DOM. */
  function fromCodepoints(text, items, maps) {
    maps = maps || offsetMaps(text);
    return items.map((item) => ({ ...item, start: maps.toU16[item.start], end: maps.toU16[item.end] }));
  }

  const api = {
    utf16ToCodepoint, codepointToUtf16, offsetMaps, snapSelection, overlaps, spanKey,
    acceptedOrigin, pendingSuggestions, layoutSuggestions, boundaries, toCodepoints, fromCodepoints,
    nextWordEnd, previousWordStart, trimToWords, filterLabels,
  };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  root.NewsroomWorkspace = api;
  if (typeof document === "undefined") return;

  // ---- Browser part ------------------------------------------------------------

  const SAVE_DELAY_MS = 800;
  const RETRY_BASE_MS = 1000;
  const RETRY_MAX_MS = 30000;

  function start() {
    const dataNode = document.getElementById("workspace-data");
    const textNode = document.getElementById("article-text");
    if (!dataNode || !textNode) return;
    const data = JSON.parse(dataNode.textContent);
    const text = data.text;
    const maps = offsetMaps(text);
    const labels = new Map(data.labels.map((l) => [l.key, l]));
    const byShortcut = new Map(data.labels.filter((l) => l.shortcut).map((l) => [l.shortcut, l.key]));
    const form = document.getElementById("annotation-form");
    const spansInput = document.getElementById("spans-input");
    const leadInput = document.getElementById("lead-time-input");
    const dirtyNode = document.getElementById("dirty-state");
    const messageNode = document.getElementById("client-message");
    const rejectedKey = "newsroom:rejected:" + data.article;
    const draftKey = "newsroom:draft:" + data.article;
    const number = new Intl.NumberFormat(document.documentElement.lang || undefined, { maximumFractionDigits: 2 });

    const state = {
      spans: fromCodepoints(text, data.spans, maps),
      suggestions: fromCodepoints(text, data.suggestions, maps),
      evidence: fromCodepoints(text, data.evidence || [], maps),
      rejected: new Set(loadRejected()),
      selected: null, // key of the selected span
      lastSelection: null, // {start, end, snap} in UTF-16 units
      saveTimer: null,
      dirty: false,
      seq: 0, // changes made on this page; a save that carried the latest one clears the kept draft
      failures: 0,
      leadBase: Number(leadInput ? leadInput.value : 0) || 0,
      visibleSince: document.hidden ? null : Date.now(),
      visibleMs: 0,
    };

    function loadRejected() {
      try { return JSON.parse(localStorage.getItem(rejectedKey) || "[]"); } catch (e) { return []; }
    }
    function storeRejected() {
      try { localStorage.setItem(rejectedKey, JSON.stringify([...state.rejected])); } catch (e) { /* private mode */ }
    }

    function labelName(key) { return (labels.get(key) || { name: key }).name; }
    function labelColor(key) { return (labels.get(key) || { color: "#888888" }).color; }

    function say(message) {
      if (!messageNode) return;
      messageNode.textContent = message || "";
      messageNode.hidden = !message;
    }

    // -- drawing ---------------------------------------------------------------

    function render() {
      const pending = data.editable ? pendingSuggestions(state.suggestions, state.spans, state.rejected) : [];
      const { inline, overflow } = layoutSuggestions(pending);
      const ranges = [...state.spans, ...inline, ...state.evidence];
      const cuts = boundaries(text.length, ranges);
      const fragment = document.createDocumentFragment();
      let wrapper = null;
      let current = 0;
      for (let i = 0; i + 1 < cuts.length; i++) {
        const a = cuts[i], b = cuts[i + 1];
        const seg = segment(a, b);
        while (current < inline.length && inline[current].end <= a) current++;
        const s = inline[current];
        if (s && s.start <= a && b <= s.end) {
          if (!wrapper || wrapper.dataset.id !== String(s.id)) {
            wrapper = suggestionElement(s);
            fragment.appendChild(wrapper);
          }
          wrapper.appendChild(seg);
        } else {
          wrapper = null;
          fragment.appendChild(seg);
        }
      }
      textNode.replaceChildren(fragment);
      renderOverflow(overflow);
      const count = document.getElementById("suggestion-count");
      if (count) count.textContent = "(" + pending.length + ")";
    }

    function segment(a, b) {
      const el = document.createElement("span");
      el.className = "seg";
      el.dataset.start = a;
      el.textContent = text.slice(a, b);
      const covering = state.spans
        .filter((s) => s.start <= a && b <= s.end)
        .sort((x, y) => (x.end - x.start) - (y.end - y.start));
      if (covering.length) {
        el.classList.add("has-span");
        el.style.setProperty("--span-color", labelColor(covering[0].label));
        el.style.boxShadow = covering
          .slice(1)
          .map((s, k) => "inset 0 -" + 3 * (k + 1) + "px 0 0 " + labelColor(s.label))
          .join(", ");
        el.title = covering.map((s) => labelName(s.label)).join(" · ");
        el.dataset.spans = covering.map(spanKey).join(" ");
        if (covering.some((s) => spanKey(s) === state.selected)) el.classList.add("is-selected");
      }
      if (state.evidence.some((s) => s.start <= a && b <= s.end)) el.classList.add("evidence");
      return el;
    }

    function describe(s) {
      const score = s.score == null ? "" : " · " + data.messages.score + " " + number.format(s.score);
      return labelName(s.label) + score;
    }

    function suggestionElement(s) {
      const el = document.createElement("span");
      el.className = "suggestion";
      el.setAttribute("data-testid", "suggestion");
      el.dataset.id = s.id;
      el.dataset.label = s.label;
      el.tabIndex = 0;
      el.style.setProperty("--label-color", labelColor(s.label));
      el.title = describe(s);
      el.setAttribute("aria-label", data.messages.suggestion + ": " + describe(s) + " — " + data.messages.acceptHint);
      return el;
    }

    function renderOverflow(overflow) {
      const list = document.getElementById("suggestion-overflow");
      if (!list) return;
      list.replaceChildren(...overflow.map((s) => {
        const li = document.createElement("li");
        const el = suggestionElement(s);
        el.textContent = text.slice(s.start, s.end);
        const label = document.createElement("small");
        label.textContent = " " + describe(s);
        li.append(el, label);
        return li;
      }));
    }

    // -- editing -------------------------------------------------------------

    function changed() {
      spansInput.value = JSON.stringify(toCodepoints(text, state.spans, maps));
      remember();
      render();
      scheduleSave();
    }

    // -- undo / redo (this session): snapshots of spans and answers ------------

    function snapshot() {
      return JSON.stringify({ spans: state.spans, answers: currentAnswers() });
    }

    /** After a change: the state before it goes on the undo stack. */
    function remember() {
      const now = snapshot();
      if (now === history.current) return;
      history.undo.push(history.current);
      if (history.undo.length > 200) history.undo.shift();
      history.redo.length = 0;
      history.current = now;
    }

    function restore(from, to) {
      if (!from.length) return false;
      to.push(history.current);
      history.current = from.pop();
      const snap = JSON.parse(history.current);
      state.spans = snap.spans;
      state.selected = null;
      setAnswers(snap.answers);
      spansInput.value = JSON.stringify(toCodepoints(text, state.spans, maps));
      render();
      scheduleSave();
      return true;
    }

    function addSpan(span) {
      if (state.spans.some((s) => spanKey(s) === spanKey(span))) { say(data.messages.duplicate); return false; }
      if (!data.allowOverlap && state.spans.some((s) => overlaps(s, span))) { say(data.messages.overlap); return false; }
      state.spans.push(span);
      state.spans.sort((x, y) => x.start - y.start || x.end - y.end);
      say("");
      return true;
    }

    function labelSelection(label) {
      const sel = currentSelection() || state.lastSelection;
      if (!sel) return false;
      const range = snapSelection(text, sel.start, sel.end, sel.snap);
      clearBrowserSelection();
      state.lastSelection = null;
      if (!range) return false;
      const span = { start: range[0], end: range[1], label, origin: "manual" };
      if (addSpan(span)) { state.selected = spanKey(span); changed(); }
      return true;
    }

    function relabelSelected(label) {
      const span = state.spans.find((s) => spanKey(s) === state.selected);
      if (!span || span.label === label) return false;
      const moved = { ...span, label };
      if (span.origin !== "manual") {
        const suggested = (span.attributes || {}).suggested_label;
        moved.origin = label === suggested ? "suggestion_accepted" : "suggestion_edited";
      }
      state.spans = state.spans.filter((s) => s !== span);
      if (!addSpan(moved)) { state.spans.push(span); return true; }
      state.selected = spanKey(moved);
      changed();
      return true;
    }

    function removeSelected() {
      const before = state.spans.length;
      state.spans = state.spans.filter((s) => spanKey(s) !== state.selected);
      state.selected = null;
      if (state.spans.length !== before) changed();
    }

    function suggestionById(id) { return state.suggestions.find((s) => String(s.id) === String(id)); }

    function accept(id, label) {
      const s = suggestionById(id);
      if (!s) return;
      label = label || s.label;
      const span = {
        start: s.start, end: s.end, label, origin: acceptedOrigin(s, label),
        attributes: { suggested_label: s.label, score: s.score },
      };
      if (addSpan(span)) changed();
    }

    function reject(id) {
      state.rejected.add(Number(id));
      storeRejected();
      render();
    }

    function acceptAbove(threshold) {
      let added = false;
      for (const s of pendingSuggestions(state.suggestions, state.spans, state.rejected)) {
        if (s.score != null && s.score >= threshold) {
          added = addSpan({ start: s.start, end: s.end, label: s.label, origin: "suggestion_accepted",
            attributes: { suggested_label: s.label, score: s.score } }) || added;
        }
      }
      if (added) changed();
    }

    function focusSuggestion(afterId, step) {
      const all = [...document.querySelectorAll("[data-testid=suggestion]")];
      if (!all.length) return false;
      let index = all.findIndex((el) => el.dataset.id === String(afterId));
      index = index < 0 ? (step > 0 ? 0 : all.length - 1) : index + step;
      if (index < 0 || index >= all.length) return false;
      all[index].focus();
      return true;
    }

    // -- selection ---------------------------------------------------------------

    function offsetIn(node, offset) {
      const range = document.createRange();
      range.setStart(textNode, 0);
      range.setEnd(node, offset);
      return range.toString().length;
    }

    function currentSelection(snap) {
      const sel = window.getSelection();
      if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
      const range = sel.getRangeAt(0);
      if (!textNode.contains(range.startContainer) || !textNode.contains(range.endContainer)) return null;
      const start = offsetIn(range.startContainer, range.startOffset);
      const end = offsetIn(range.endContainer, range.endOffset);
      return { start, end, snap: snap === undefined ? !state.altHeld : snap };
    }

    /** Put the browser selection on [start, end) (UTF-16 units of the text). */
    function selectRange(start, end) {
      const walker = document.createTreeWalker(textNode, NodeFilter.SHOW_TEXT);
      const range = document.createRange();
      let seen = 0, startSet = false, node;
      while ((node = walker.nextNode())) {
        const length = node.data.length;
        if (!startSet && start <= seen + length) { range.setStart(node, start - seen); startSet = true; }
        if (startSet && end <= seen + length) { range.setEnd(node, end - seen); break; }
        seen += length;
      }
      const sel = window.getSelection();
      sel.removeAllRanges();
      if (startSet) sel.addRange(range);
    }

    // Keyboard selection: with the article text focused, the arrow keys move a
    // caret word by word and Shift+arrows extend the selection; a digit labels it.
    const keyboard = { anchor: 0, focus: 0 };
    textNode.addEventListener("keydown", (event) => {
      if (!data.editable || !["ArrowRight", "ArrowLeft"].includes(event.key)) return;
      event.preventDefault();
      const right = event.key === "ArrowRight";
      const moved = right ? nextWordEnd(text, keyboard.focus) : previousWordStart(text, keyboard.focus);
      keyboard.focus = moved;
      if (!event.shiftKey) keyboard.anchor = moved;
      const range = trimToWords(text, keyboard.anchor, keyboard.focus);
      showCaret(keyboard.focus);
      if (!range) { clearBrowserSelection(); state.lastSelection = null; return; }
      selectRange(range[0], range[1]);
      state.lastSelection = { start: range[0], end: range[1], snap: true };
      say("");
    });
    textNode.addEventListener("blur", () => showCaret(null));

    /** A visible caret at `u` (an empty element: offsets of the text stay as they are). */
    function showCaret(u) {
      const old = textNode.querySelector(".kb-caret");
      if (old) old.remove();
      if (u === null || u === undefined) return;
      const walker = document.createTreeWalker(textNode, NodeFilter.SHOW_TEXT);
      let seen = 0, node;
      while ((node = walker.nextNode())) {
        if (u <= seen + node.data.length) {
          const caret = document.createElement("span");
          caret.className = "kb-caret";
          caret.setAttribute("aria-hidden", "true");
          caret.setAttribute("data-testid", "caret");
          const at = u - seen;
          if (at === 0) node.parentNode.insertBefore(caret, node);
          else if (at === node.data.length) node.parentNode.insertBefore(caret, node.nextSibling);
          else node.parentNode.insertBefore(caret, node.splitText(at));
          return;
        }
        seen += node.data.length;
      }
    }

    function clearBrowserSelection() {
      const sel = window.getSelection();
      if (sel) sel.removeAllRanges();
    }

    // -- saving ----------------------------------------------------------------

    // The draft stays in this browser until the server has it (a save answered
    // 200 that carried the latest change); on reload it is put back with a notice.
    function currentAnswers() {
      const answers = {};
      if (!form) return answers;
      for (const input of form.querySelectorAll('input[name^="q:"]')) {
        const key = input.name.slice(2);
        answers[key] = answers[key] || [];
        if (input.checked) answers[key].push(input.value);
      }
      return answers;
    }

    function setAnswers(answers) {
      for (const input of form.querySelectorAll('input[name^="q:"]')) {
        const values = answers[input.name.slice(2)] || [];
        input.checked = values.includes(input.value);
      }
    }

    function keepDraft() {
      try {
        localStorage.setItem(draftKey, JSON.stringify({
          spans: toCodepoints(text, state.spans, maps), answers: currentAnswers(), at: Date.now(),
        }));
      } catch (e) { /* private mode or full: the server copy still comes */ }
    }

    function forgetDraft() {
      try { localStorage.removeItem(draftKey); } catch (e) { /* nothing kept */ }
    }

    function restoreDraft() {
      let kept = null;
      try { kept = JSON.parse(localStorage.getItem(draftKey) || "null"); } catch (e) { kept = null; }
      if (!kept || !Array.isArray(kept.spans) || !data.editable) { if (!data.editable) forgetDraft(); return; }
      const onPage = JSON.stringify([toCodepoints(text, state.spans, maps), currentAnswers()]);
      if (JSON.stringify([kept.spans, kept.answers || {}]) === onPage) { forgetDraft(); return; }
      try { state.spans = fromCodepoints(text, kept.spans, maps); } catch (e) { forgetDraft(); return; }
      setAnswers(kept.answers || {});
      spansInput.value = JSON.stringify(toCodepoints(text, state.spans, maps));
      const notice = document.getElementById("restored-draft");
      if (notice) {
        const time = new Date(kept.at || Date.now()).toLocaleTimeString(document.documentElement.lang || undefined);
        notice.querySelector("span").textContent = data.messages.restored.replace("{time}", time);
        notice.hidden = false;
      }
      scheduleSave();
    }

    function retryLater() {
      state.failures = (state.failures || 0) + 1;
      const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (state.failures - 1));
      clearTimeout(state.saveTimer);
      state.saveTimer = setTimeout(saveNow, delay);
      if (dirtyNode) dirtyNode.textContent = data.messages.retrying.replace("{seconds}", Math.round(delay / 1000));
    }

    function scheduleSave() {
      state.seq += 1;
      keepDraft();
      state.dirty = true;
      if (dirtyNode) dirtyNode.textContent = data.messages.unsaved;
      clearTimeout(state.saveTimer);
      state.saveTimer = setTimeout(saveNow, SAVE_DELAY_MS);
    }

    function saveNow() {
      clearTimeout(state.saveTimer);
      state.saveTimer = null;
      if (window.htmx && form) window.htmx.trigger(form, "autosave");
    }

    function leadTime() {
      const running = state.visibleSince ? Date.now() - state.visibleSince : 0;
      return Math.round(state.leadBase + state.visibleMs + running);
    }

    // -- events ----------------------------------------------------------------

    function typing(target) {
      if (!target || !target.closest) return false;
      return Boolean(target.closest("input[type=text], input[type=search], input[type=number], input:not([type]), textarea, select, [contenteditable], dialog"));
    }

    document.addEventListener("keydown", (event) => {
      state.altHeld = event.altKey;
      if (!data.editable || typing(event.target)) return;
      if ((event.ctrlKey || event.metaKey) && (event.key === "z" || event.key === "Z" || event.key === "y")) {
        const redo = event.key === "y" || event.shiftKey;
        if (redo ? restore(history.redo, history.undo) : restore(history.undo, history.redo)) event.preventDefault();
        return;
      }
      if (event.ctrlKey || event.metaKey) return;
      if (event.key === "?") { event.preventDefault(); toggleDialog("ws-shortcuts"); return; }
      if (event.key === "/" || (event.key === "l" && !event.target.closest("[data-testid=suggestion]"))) {
        event.preventDefault();
        openPalette(event.target.closest ? event.target.closest("[data-testid=suggestion]") : null);
        return;
      }
      const focused = event.target.closest ? event.target.closest("[data-testid=suggestion]") : null;
      const key = event.key;
      if (/^[0-9]$/.test(key) && byShortcut.has(key)) {
        const label = byShortcut.get(key);
        const done = currentSelection() || state.lastSelection
          ? labelSelection(label)
          : focused ? (accept(focused.dataset.id, label), true) : relabelSelected(label);
        if (done) event.preventDefault();
      } else if (focused && (key === "a" || key === "x")) {
        event.preventDefault();
        const id = focused.dataset.id;
        const next = [...document.querySelectorAll("[data-testid=suggestion]")];
        const index = next.findIndex((el) => el.dataset.id === id);
        const nextId = (next[index + 1] || next[index - 1] || {}).dataset;
        if (key === "a") accept(id); else reject(id);
        if (nextId) focusSuggestion(nextId.id, 0);
      } else if (focused && key === "Tab") {
        if (focusSuggestion(focused.dataset.id, event.shiftKey ? -1 : 1)) event.preventDefault();
      } else if ((key === "Delete" || key === "Backspace") && state.selected) {
        event.preventDefault();
        removeSelected();
      } else if (key === "Escape") {
        state.selected = null;
        state.lastSelection = null;
        clearBrowserSelection();
        render();
      } else if (key === "Enter" && !event.target.closest("button, a, summary, [data-testid=suggestion]")) {
        const submit = form && form.querySelector("[data-testid=submit]");
        if (submit) { event.preventDefault(); clearTimeout(state.saveTimer); submit.click(); }
      }
    });
    document.addEventListener("keyup", (event) => { state.altHeld = event.altKey; });

    textNode.addEventListener("mouseup", (event) => {
      state.altHeld = event.altKey;
      const sel = currentSelection(!event.altKey);
      state.lastSelection = sel;
      if (sel) return;
      const seg = event.target.closest(".seg[data-spans]");
      if (!seg) { if (state.selected) { state.selected = null; render(); } return; }
      const keys = seg.dataset.spans.split(" ");
      const at = keys.indexOf(state.selected);
      state.selected = keys[(at + 1) % keys.length]; // clicking again cycles through overlapping spans
      render();
    });

    document.addEventListener("click", (event) => {
      if (event.target.closest && event.target.closest("[data-discard-draft]")) {
        forgetDraft(); // "Reload the saved version": the server's copy wins
        state.dirty = false;
        clearTimeout(state.saveTimer);
        return;
      }
      const button = event.target.closest("button");
      if (!button) return;
      if (button.dataset.label && data.editable) {
        if (!labelSelection(button.dataset.label)) relabelSelected(button.dataset.label);
      } else if (button.dataset.removeSpan) {
        state.selected = fromKey(button.dataset.removeSpan);
        removeSelected();
      } else if (button.dataset.pickSpan) {
        state.selected = fromKey(button.dataset.pickSpan);
        render();
        const seg = textNode.querySelector(".is-selected");
        if (seg) seg.scrollIntoView({ block: "center" });
      } else if (button.id === "accept-all") {
        acceptAbove(Number(document.getElementById("accept-threshold").value));
      } else if (button.dataset.useChoice) {
        const input = form.querySelector('input[name="q:' + button.dataset.useChoice + '"][value="' + button.dataset.choice + '"]');
        if (input) { input.checked = true; remember(); scheduleSave(); }
      }
    });
    // Keep the text selection when a label button is pressed with the mouse;
    // a press anywhere else outside the text forgets it.
    document.addEventListener("mousedown", (event) => {
      if (!event.target.closest) return;
      if (event.target.closest(".label-btn, [data-palette-open]")) event.preventDefault();
      else if (!textNode.contains(event.target)) state.lastSelection = null;
    });

    // -- dialogs: the shortcut overlay (?) and the label palette (/ or l) -------

    function toggleDialog(id, force) {
      const dialog = document.getElementById(id);
      if (!dialog) return null;
      const open = force === undefined ? !dialog.open : force;
      if (open && !dialog.open) dialog.showModal();
      if (!open && dialog.open) dialog.close();
      return dialog;
    }

    const palette = { target: null };

    /** Choose a label by name for the selection, the focused suggestion or the selected span. */
    function openPalette(suggestion) {
      const sel = currentSelection() || state.lastSelection;
      palette.target = sel ? { selection: sel } : suggestion ? { suggestion: suggestion.dataset.id } : { span: state.selected };
      const dialog = toggleDialog("label-palette", true);
      if (!dialog) return;
      const input = dialog.querySelector("input[type=search]");
      input.value = "";
      fillPalette("");
      input.focus();
    }

    function fillPalette(query) {
      const list = document.getElementById("palette-list");
      const found = filterLabels(data.labels, query);
      list.replaceChildren(...found.map((label, i) => {
        const li = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "palette-item" + (i === 0 ? " is-first" : "");
        button.dataset.paletteLabel = label.key;
        button.setAttribute("data-testid", "palette-" + label.key);
        button.style.setProperty("--label-color", label.color);
        button.textContent = (label.shortcut ? label.shortcut + " · " : "") + label.name;
        li.appendChild(button);
        return li;
      }));
    }

    function pickFromPalette(key) {
      toggleDialog("label-palette", false);
      const target = palette.target || {};
      palette.target = null;
      if (!key) return;
      if (target.selection) { state.lastSelection = target.selection; labelSelection(key); }
      else if (target.suggestion) accept(target.suggestion, key);
      else if (target.span) { state.selected = target.span; relabelSelected(key); }
      else say(data.messages.nothingSelected);
      textNode.focus({ preventScroll: true });
    }

    const paletteNode = document.getElementById("label-palette");
    if (paletteNode) {
      paletteNode.addEventListener("input", (event) => fillPalette(event.target.value));
      paletteNode.addEventListener("keydown", (event) => {
        if (event.key !== "Enter") return;
        event.preventDefault();
        const first = paletteNode.querySelector("[data-palette-label]");
        pickFromPalette(first ? first.dataset.paletteLabel : null);
      });
      paletteNode.addEventListener("click", (event) => {
        const item = event.target.closest("[data-palette-label]");
        if (item) pickFromPalette(item.dataset.paletteLabel);
        else if (event.target.closest("[data-palette-close]")) pickFromPalette(null);
      });
    }
    document.addEventListener("click", (event) => {
      if (event.target.closest && event.target.closest("[data-ws-shortcuts-open]")) toggleDialog("ws-shortcuts", true);
      if (event.target.closest && event.target.closest("[data-palette-open]")) openPalette(null);
    });

    /** A span key from the server's span list (code points) → the UTF-16 key used here. */
    function fromKey(cpKey) {
      const [start, end, label] = cpKey.split(":");
      return spanKey({ start: maps.toU16[Number(start)], end: maps.toU16[Number(end)], label });
    }

    const evidenceToggle = document.getElementById("show-evidence");
    if (evidenceToggle) {
      evidenceToggle.addEventListener("change", () => textNode.classList.toggle("show-evidence", evidenceToggle.checked));
    }

    if (form) {
      form.addEventListener("change", (event) => {
        if (event.target.name && event.target.name.startsWith("q:")) { remember(); scheduleSave(); }
      });
      form.addEventListener("submit", () => clearTimeout(state.saveTimer));
    }

    document.body.addEventListener("htmx:configRequest", (event) => {
      if (!form || (event.detail.elt !== form && !form.contains(event.detail.elt))) return;
      const params = event.detail.parameters;
      params.spans = spansInput.value;
      params.lead_time_ms = String(leadTime());
      const trigger = event.detail.triggeringEvent;
      const submitter = trigger && trigger.type === "submit" ? trigger.submitter : null;
      if (!submitter && !params.overwrite_version) params.action = "draft";
      event.detail.headers["X-Newsroom-Action"] = params.action || "draft";
      event.detail.headers["X-Newsroom-Seq"] = String(state.seq);
      state.dirty = false; // this request carries every change made so far
      if (dirtyNode) dirtyNode.textContent = data.messages.saving;
    });
    document.body.addEventListener("htmx:afterRequest", (event) => {
      if (!form || (event.detail.elt !== form && !form.contains(event.detail.elt))) return;
      const headers = (event.detail.requestConfig || {}).headers || {};
      const action = headers["X-Newsroom-Action"] || "draft";
      const status = event.detail.xhr ? event.detail.xhr.status : 0;
      if (status === 200 || (action !== "draft" && status < 300 && status > 0)) {
        state.failures = 0;
        if (Number(headers["X-Newsroom-Seq"]) === state.seq) forgetDraft();
        if (!state.saveTimer && !state.dirty && dirtyNode) dirtyNode.textContent = "";
        return;
      }
      state.dirty = true;
      if (dirtyNode) dirtyNode.textContent = data.messages.unsaved;
      // The server or the connection failed an autosave: try again, waiting longer each time.
      // Refusals (400, 409) need the annotator; a failed submit waits for their next click.
      if (action === "draft" && (status === 0 || status >= 500)) retryLater();
    });
    document.addEventListener("visibilitychange", () => {
      if (document.hidden && state.visibleSince) { state.visibleMs += Date.now() - state.visibleSince; state.visibleSince = null; }
      else if (!document.hidden && !state.visibleSince) state.visibleSince = Date.now();
    });
    window.addEventListener("beforeunload", (event) => {
      if (state.dirty) { event.preventDefault(); event.returnValue = data.messages.leave; }
    });

    render();
    restoreDraft();
    if (data.editable) render();
    const history = { undo: [], redo: [], current: snapshot() };
    root.newsroomWorkspaceState = state; // for debugging in the console
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})(typeof globalThis !== "undefined" ? globalThis : this);
