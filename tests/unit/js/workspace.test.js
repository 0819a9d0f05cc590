// Unit tests of the pure helpers in static/annotations/workspace.js (run: node --test tests/unit/js/).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const ws = require(path.join(__dirname, "..", "..", "..", "static", "annotations", "workspace.js"));

// Python's view of the same strings: code points.
const cp = (s) => [...s];

test("utf16ToCodepoint counts an emoji as one code point", () => {
  const text = "Kurs 📉 fällt";
  assert.equal(ws.utf16ToCodepoint(text, 5), 5);
  assert.equal(ws.utf16ToCodepoint(text, 7), 6); // after the emoji (two units)
  assert.equal(ws.utf16ToCodepoint(text, text.length), cp(text).length);
  assert.throws(() => ws.utf16ToCodepoint(text, 6), /surrogate pair/);
  assert.throws(() => ws.utf16ToCodepoint(text, 99), /outside/);
});

test("codepointToUtf16 is the inverse for every boundary", () => {
  const text = "a😀b👍🏽c\r\nd";
  for (let u = 0; u <= text.length; u++) {
    let index;
    try { index = ws.utf16ToCodepoint(text, u); } catch (e) { continue; }
    assert.equal(ws.codepointToUtf16(text, index), u);
  }
});

test("offsetMaps agree with the slow functions, -1 inside pairs", () => {
  const text = "Société 🚀 Générale 📉\r\nAktie";
  const maps = ws.offsetMaps(text);
  for (let i = 0; i <= cp(text).length; i++) assert.equal(maps.toU16[i], ws.codepointToUtf16(text, i));
  const inside = text.indexOf("🚀") + 1;
  assert.equal(maps.toCp[inside], -1);
});

test("toCodepoints gives Python offsets and the exact text (emoji, umlaut, CRLF)", () => {
  const text = "Kurssturz 📉 bei der Société Générale\r\nDie Aktie verliert 12 Prozent.";
  const start = text.indexOf("Société");
  const aktie = text.indexOf("Aktie");
  const [org, instrument] = ws.toCodepoints(text, [
    { start, end: start + "Société Générale".length, label: "ORG" },
    { start: aktie, end: aktie + 5, label: "INSTRUMENT", origin: "suggestion_accepted", attributes: { score: 0.9 } },
  ]);
  const chars = cp(text);
  assert.deepEqual(org, { start: 20, end: 36, label: "ORG", text: "Société Générale", origin: "manual" });
  assert.equal(chars.slice(org.start, org.end).join(""), org.text);
  assert.equal(chars.slice(instrument.start, instrument.end).join(""), "Aktie");
  assert.equal(instrument.origin, "suggestion_accepted");
  assert.deepEqual(instrument.attributes, { score: 0.9 });
});

test("fromCodepoints turns server offsets back into DOM offsets", () => {
  const text = "📉📉 Bayer";
  const [span] = ws.fromCodepoints(text, [{ start: 3, end: 8, label: "ORG" }]);
  assert.equal(text.slice(span.start, span.end), "Bayer");
});

test("combining marks stay with their letter", () => {
  const text = "Cafe\u0301 Zu\u0308rich"; // decomposed é and ü
  const u = text.indexOf("Zu") + 2; // between u and its diaeresis
  const range = ws.snapSelection(text, text.indexOf("Zu"), u, false);
  assert.equal(text.slice(range[0], range[1]), "Zu\u0308");
  const cps = ws.toCodepoints(text, [{ start: range[0], end: range[1], label: "ORG" }])[0];
  assert.equal(cp(text).slice(cps.start, cps.end).join(""), "Zu\u0308");
});

test("snapSelection widens to whole words and trims white space", () => {
  const text = "Die Siemens-Aktie fiel um 3,5 Prozent.";
  const s = text.indexOf("emens");
  assert.deepEqual(ws.snapSelection(text, s, s + 3, true), [4, 11]); // "Siemens"
  assert.equal(text.slice(...ws.snapSelection(text, s, s + 3, true)), "Siemens");
  assert.equal(text.slice(...ws.snapSelection(text, 3, 12, true)), "Siemens-"); // leading space trimmed
  assert.equal(text.slice(...ws.snapSelection(text, 3, 13, true)), "Siemens-Aktie"); // widened to "Aktie"
  assert.equal(text.slice(...ws.snapSelection(text, s, s + 3, false)), "eme"); // Alt: exact
  assert.equal(ws.snapSelection(text, 3, 4, true), null); // only a space
  assert.deepEqual(ws.snapSelection(text, 11, 4, true), [4, 11]); // backwards selection
});

test("snapSelection never splits an emoji", () => {
  const text = "Kurs 📉 fällt";
  const range = ws.snapSelection(text, 6, 8, false); // starts inside the pair
  assert.equal(text.slice(range[0], range[1]), "📉"); // whole emoji, trailing space trimmed
  assert.equal(text.slice(...ws.snapSelection(text, 5, 6, false)), "📉"); // ends inside the pair
  const whole = ws.snapSelection(text, 2, 7, true);
  assert.equal(text.slice(...whole), "Kurs 📉");
});

test("accepting with another label records an edited suggestion", () => {
  const s = { id: 0, start: 0, end: 3, label: "ORG", score: 0.8 };
  assert.equal(ws.acceptedOrigin(s, "ORG"), "suggestion_accepted");
  assert.equal(ws.acceptedOrigin(s, "PERSON"), "suggestion_edited");
});

test("pending suggestions drop rejected ones and ranges already labelled", () => {
  const suggestions = [
    { id: 0, start: 0, end: 3, label: "ORG" },
    { id: 1, start: 5, end: 9, label: "MONEY" },
    { id: 2, start: 10, end: 12, label: "PERCENT" },
  ];
  const spans = [{ start: 5, end: 9, label: "PERCENT" }];
  const pending = ws.pendingSuggestions(suggestions, spans, new Set([2]));
  assert.deepEqual(pending.map((s) => s.id), [0]);
});

test("layoutSuggestions keeps inline suggestions apart and lists the overlapping rest", () => {
  const { inline, overflow } = ws.layoutSuggestions([
    { id: 0, start: 4, end: 10 },
    { id: 1, start: 0, end: 20 },
    { id: 2, start: 20, end: 25 },
    { id: 3, start: 22, end: 30 },
  ]);
  assert.deepEqual(inline.map((s) => s.id), [1, 2]);
  assert.deepEqual(overflow.map((s) => s.id), [0, 3]);
});

test("boundaries are sorted, distinct and inside the text", () => {
  assert.deepEqual(ws.boundaries(10, [{ start: 2, end: 5 }, { start: 2, end: 8 }, { start: 5, end: 10 }]), [0, 2, 5, 8, 10]);
});

test("overlaps and span keys", () => {
  assert.equal(ws.overlaps({ start: 0, end: 3 }, { start: 3, end: 5 }), false);
  assert.equal(ws.overlaps({ start: 0, end: 4 }, { start: 3, end: 5 }), true);
  assert.equal(ws.spanKey({ start: 1, end: 2, label: "ORG" }), "1:2:ORG");
});

test("keyboard selection moves word by word across emoji, combining marks and CRLF", () => {
  const text = "Kurs 📉 fällt\r\nSocie\u0301te\u0301 Générale"; // e + combining acute
  // From the start: the end of the first word, then the next words.
  assert.equal(ws.nextWordEnd(text, 0), 4); // "Kurs"
  assert.equal(text.slice(0, ws.nextWordEnd(text, 4)), "Kurs 📉 fällt"); // the emoji is not a word
  const societe = text.indexOf("Socie");
  const afterSociete = ws.nextWordEnd(text, societe);
  assert.equal(text.slice(societe, afterSociete), "Socie\u0301te\u0301"); // keeps the accents
  assert.equal(ws.nextWordEnd(text, text.length), text.length);
  // Back to the start of the previous word.
  assert.equal(ws.previousWordStart(text, afterSociete), societe);
  assert.equal(text.slice(ws.previousWordStart(text, text.indexOf("\r")), text.indexOf("\r")), "fällt");
  assert.equal(ws.previousWordStart(text, 0), 0);
});

test("keyboard selections lose punctuation, symbols and spaces at their ends", () => {
  const text = "Kurs 📉 der Société Générale, heute.";
  const end = text.indexOf("Générale") + "Générale".length;
  const [s, e] = ws.trimToWords(text, "Kurs".length, end + 2);
  assert.equal(text.slice(s, e), "der Société Générale");
  assert.deepEqual(ws.trimToWords(text, e, e + 2), null);
  const money = "rose 4.2% today";
  const [a, b] = ws.trimToWords(money, 4, 10);
  assert.equal(money.slice(a, b), "4.2");
});

test("the label palette filters by every word of the query", () => {
  const labels = [
    { key: "ORG", name: "Organisation" },
    { key: "LOADED", name: "Loaded language" },
    { key: "LANG", name: "Language of origin" },
  ];
  assert.deepEqual(ws.filterLabels(labels, "lang").map((l) => l.key), ["LOADED", "LANG"]);
  assert.deepEqual(ws.filterLabels(labels, "load lang").map((l) => l.key), ["LOADED"]);
  assert.deepEqual(ws.filterLabels(labels, "org").map((l) => l.key), ["ORG"]);
  assert.equal(ws.filterLabels(labels, "").length, 3);
});
