"""spaCy components: one rule component per label, polarity, document scores, label map.

Rule results go to ``doc.spans["sc"]`` (overlaps across labels allowed), with the
per-span scores in the group's ``attrs["scores"]`` (spaCy's spancat convention) and
the rule that fired in ``span.id_`` (as EntityRuler does with pattern ids).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .builders import RULE_BUILDERS, polarity_rules
from .doccache import doc_lower, doc_lowers, doc_text, forget_texts
from .errors import PipelineError
from .patterns import (
    EXTENSIBLE_LABELS,
    NEGATORS,
    AnchorRule,
    LabelRules,
    lexicon_rules,
)
from .scoring import BIAS_WEIGHTS, bias_scores, sentiment_scores
from .terms import parse_lines

SPANS_KEY = "sc"
POLARITY_KEY = "polarity"
EVIDENCE_PREFIX = "evidence:"


def add_spans(
    doc: Doc, key: str, spans: Sequence[Span], scores: Sequence[float]
) -> None:
    """Append spans and their scores to ``doc.spans[key]`` (scores kept aligned)."""
    if key not in doc.spans:
        doc.spans[key] = []
        doc.spans[key].attrs["scores"] = []
    group = doc.spans[key]
    existing = list(group.attrs.get("scores", [1.0] * (len(group))))
    group.extend(spans)
    group.attrs["scores"] = existing + [float(s) for s in scores]


def span_scores(doc: Doc, key: str) -> list[float]:
    """Scores aligned with ``doc.spans[key]`` (1.0 where the group has none)."""
    group = doc.spans[key]
    scores = group.attrs.get("scores")
    if scores is None or len(scores) != len(group):
        return [1.0] * len(group)
    return [float(s) for s in scores]


class RuleComponent:
    """Gazetteers (exact case), lexicons (any case), token wildcards, regexes, anchors.

    Literal phrases go through PhraseMatchers; token wildcards are decided once per
    distinct word and cached; regexes run over the text (or its lower-cased copy);
    anchors let a little Python widen a match (legal forms, titles, first names).
    """

    def __init__(
        self,
        nlp: Language,
        name: str,
        rules: Sequence[LabelRules],
        *,
        spans_key: str = SPANS_KEY,
        negation: bool = False,
    ) -> None:
        self.name = name
        self.spans_key = spans_key
        self.negation = negation
        self.rules = list(rules)
        self.score_of = {r.label: r.score for r in self.rules}
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        # match id → (label, rule name, weight, anchor or None)
        self.match_info: dict[int, tuple[str, str, float, AnchorRule | None]] = {}
        # token rules: (test of the lower-cased word, label, rule, weight, anchor)
        self.token_rules: list[
            tuple[Callable[[str], object], str, str, float, AnchorRule | None]
        ] = []
        self._token_cache: dict[int, tuple[int, ...]] = {}
        for rules_of_label in self.rules:
            label = rules_of_label.label
            self._add(nlp, self.exact, label, "gazetteer", rules_of_label.gazetteer)
            self._add(nlp, self.lower, label, "lexicon", rules_of_label.lexicon)
            for pattern, weight in rules_of_label.token_wildcards:
                self.token_rules.append(
                    (re.compile(pattern).fullmatch, label, "lexicon", weight, None)
                )
            for name, test, weight in rules_of_label.word_tests:
                self.token_rules.append((test, label, name, weight, None))
            for anchor in rules_of_label.anchors:
                if anchor.phrases:
                    matcher = self.lower if anchor.lower else self.exact
                    self._add(
                        nlp,
                        matcher,
                        label,
                        anchor.name,
                        dict.fromkeys(anchor.phrases, 1.0),
                        anchor,
                    )
                if anchor.token_regex:
                    self.token_rules.append(
                        (
                            re.compile(anchor.token_regex).fullmatch,
                            label,
                            anchor.name,
                            1.0,
                            anchor,
                        )
                    )

    def _add(
        self,
        nlp: Language,
        matcher: PhraseMatcher,
        label: str,
        rule: str,
        phrases: Mapping[str, float],
        anchor: AnchorRule | None = None,
    ) -> None:
        by_weight: dict[float, list[str]] = {}
        for phrase, weight in phrases.items():
            by_weight.setdefault(weight, []).append(phrase)
        for weight, group in by_weight.items():
            key = f"{self.name}|{label}|{rule}|{weight}|{id(anchor)}"
            matcher.add(key, list(nlp.tokenizer.pipe(group)))
            self.match_info[nlp.vocab.strings[key]] = (label, rule, weight, anchor)

    def _token_hits(self, doc: Doc) -> list[tuple[int, int]]:
        """(token index, token rule index) for every token a token rule matches."""
        lowers, distinct = doc_lowers(doc)
        cache = self._token_cache
        strings = doc.vocab.strings
        hits = []
        for key in distinct:
            found = cache.get(key)
            if found is None:
                word = strings[key]
                found = tuple(
                    i for i, rule in enumerate(self.token_rules) if rule[0](word)
                )
                if len(cache) < _TOKEN_CACHE_SIZE:
                    cache[key] = found
            if found:
                for position in numpy.flatnonzero(lowers == key).tolist():
                    hits.extend((position, i) for i in found)
        return hits

    def __call__(self, doc: Doc) -> Doc:
        found: dict[str, dict[tuple[int, int], tuple[str, float]]] = {
            r.label: {} for r in self.rules
        }

        def add(
            label: str, start: int, end: int, rule: str, weight: float, anchor
        ) -> None:
            if anchor is not None:
                widened = anchor.extend(doc, start, end)
                if widened is None:
                    return
                start, end = widened
            if end > start:
                found[label].setdefault((start, end), (rule, weight))

        for matcher in (self.exact, self.lower):
            if len(matcher):
                for match_id, start, end in matcher(doc):
                    label, rule, weight, anchor = self.match_info[match_id]
                    add(label, start, end, rule, weight, anchor)
        if self.token_rules:
            for position, index in self._token_hits(doc):
                _, label, rule, weight, anchor = self.token_rules[index]
                add(label, position, position + 1, rule, weight, anchor)
        text = doc_text(doc)
        lowered: str | None = None
        for rules_of_label in self.rules:
            bucket = found[rules_of_label.label]
            for regex_rule in rules_of_label.regexes:
                haystack = text
                if regex_rule.lower:
                    if lowered is None:
                        lowered = doc_lower(doc)
                    haystack = lowered
                left = regex_rule.left
                for match in regex_rule.pattern.finditer(haystack):
                    start = match.start()
                    if left is not None and start and left.match(haystack, start - 1):
                        continue
                    start, end = match.span(regex_rule.group or 0)
                    if regex_rule.validator is not None:
                        adjusted = regex_rule.validator(text, start, end)
                        if adjusted is None:
                            continue
                        start, end = adjusted
                    weight = regex_rule.weight
                    span = doc.char_span(start, end, alignment_mode="expand")
                    if span is not None and len(span):
                        bucket.setdefault(
                            (span.start, span.end), (regex_rule.name, weight)
                        )
        for rules_of_label in self.rules:
            bucket = found[rules_of_label.label]
            for finder in rules_of_label.finders:
                for start, end, rule in finder(doc):
                    if end > start:
                        bucket.setdefault((start, end), (rule, 1.0))
        spans: list[Span] = []
        scores: list[float] = []
        for rules_of_label in self.rules:
            label = rules_of_label.label
            bucket = found[label]
            kept = self._kept(doc, label, bucket)
            for post in rules_of_label.post:
                extra = [(s, e, r) for s, e, r in post(doc, kept) if e > s]
                if extra:
                    for start, end, rule in extra:
                        bucket.setdefault((start, end), (rule, 1.0))
                    kept = self._kept(doc, label, bucket)
            for span in sorted(kept, key=lambda sp: sp.start):
                weight = bucket[(span.start, span.end)][1]
                if self.negation and self._negated(doc, span):
                    span = self._flip(span)
                spans.append(span)
                scores.append(weight if self.negation else self.score_of[label])
        add_spans(doc, self.spans_key, spans, scores)
        return doc

    def _kept(self, doc: Doc, label: str, bucket) -> list[Span]:
        """The longest non-overlapping spans of one label (spaCy's filter_spans)."""
        return filter_spans(
            [
                Span(doc, s, e, label=label, span_id=f"{self.name}:{rule}")
                for (s, e), (rule, _) in bucket.items()
            ]
        )

    @staticmethod
    def _negated(doc: Doc, span: Span) -> bool:
        window = doc[max(0, span.start - 2) : span.start]
        return any(token.lower_ in NEGATORS for token in window)

    @staticmethod
    def _flip(span: Span) -> Span:
        label = "NEGATIVE" if span.label_ == "POSITIVE" else "POSITIVE"
        return Span(
            span.doc, span.start, span.end, label=label, span_id=f"{span.id_}:negated"
        )


_TOKEN_CACHE_SIZE = 200_000


def extra_rules(label: str, lines: Iterable[str]) -> LabelRules:
    """Admin-supplied terms for one label, in the resource file syntax."""
    if label not in EXTENSIBLE_LABELS:
        raise PipelineError(
            f"extra terms for {label!r} are not supported; "
            f"extensible labels: {', '.join(EXTENSIBLE_LABELS)}"
        )
    lexicon = parse_lines(lines, source=f"extra terms for {label}")
    exact = label in ("ORG", "PERSON", "INSTRUMENT")
    return lexicon_rules(label, lexicon, 0.9, exact=exact)


@Language.factory(
    "newsroom_rules",
    default_config={"label": "ORG", "extra_terms": [], "spans_key": SPANS_KEY},
)
def make_rule_component(
    nlp: Language, name: str, label: str, extra_terms: list[str], spans_key: str
) -> RuleComponent:
    if label not in RULE_BUILDERS:
        raise PipelineError(
            f"no rules for label {label!r}; known: {', '.join(RULE_BUILDERS)}"
        )
    rules = [RULE_BUILDERS[label](nlp.lang)]
    if extra_terms:
        extra = extra_rules(label, extra_terms)
        rules[0].gazetteer.update(extra.gazetteer)
        rules[0].lexicon.update(extra.lexicon)
        rules[0].token_wildcards.extend(extra.token_wildcards)
        rules[0].regexes.extend(extra.regexes)
    return RuleComponent(nlp, name, rules, spans_key=spans_key)


@Language.factory("newsroom_polarity", default_config={"spans_key": POLARITY_KEY})
def make_polarity_component(nlp: Language, name: str, spans_key: str) -> RuleComponent:
    return RuleComponent(
        nlp, name, polarity_rules(nlp.lang), spans_key=spans_key, negation=True
    )


class DocScores:
    """Sentiment and bias scores from evidence spans, written to ``doc.cats``.

    ``doc.cats`` uses the export's ``"question:choice"`` keys; the spans behind
    each question go to ``doc.spans["evidence:<question>"]``.
    """

    def __init__(self, polarity_key: str, spans_key: str) -> None:
        self.polarity_key = polarity_key
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        positive = negative = 0.0
        sentiment_spans: list[Span] = []
        sentiment_weights: list[float] = []
        if self.polarity_key in doc.spans:
            weights = span_scores(doc, self.polarity_key)
            for span, weight in zip(doc.spans[self.polarity_key], weights, strict=True):
                if span.label_ == "POSITIVE":
                    positive += weight
                else:
                    negative += weight
                sentiment_spans.append(span)
                sentiment_weights.append(weight)
        bias_spans: list[Span] = []
        bias_weights: list[float] = []
        if self.spans_key in doc.spans:
            scores = span_scores(doc, self.spans_key)
            for span, score in zip(doc.spans[self.spans_key], scores, strict=True):
                weight = BIAS_WEIGHTS.get(span.label_)
                if weight:
                    bias_spans.append(span)
                    bias_weights.append(weight * score)
        for choice, value in sentiment_scores(positive, negative).items():
            doc.cats[f"sentiment:{choice}"] = value
        n_chars = doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0
        for choice, value in bias_scores(sum(bias_weights), n_chars).items():
            doc.cats[f"bias:{choice}"] = value
        doc.spans[f"{EVIDENCE_PREFIX}sentiment"] = sentiment_spans
        doc.spans[f"{EVIDENCE_PREFIX}sentiment"].attrs["scores"] = sentiment_weights
        doc.spans[f"{EVIDENCE_PREFIX}bias"] = bias_spans
        doc.spans[f"{EVIDENCE_PREFIX}bias"].attrs["scores"] = bias_weights
        forget_texts(doc)
        return doc


@Language.factory(
    "newsroom_doc_scores",
    default_config={"polarity_key": POLARITY_KEY, "spans_key": SPANS_KEY},
)
def make_doc_scores(
    nlp: Language, name: str, polarity_key: str, spans_key: str
) -> DocScores:
    return DocScores(polarity_key, spans_key)
