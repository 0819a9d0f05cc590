"""spaCy components around statistical pipelines: label mapping, model entities.

``newsroom_label_map`` maps an installed or trained pipeline's labels onto the
project's scheme; ``newsroom_model_ents`` lets ``fin-en-sm`` add a statistical
model's entities to the rule spans.
"""

from __future__ import annotations

from collections.abc import Mapping

from spacy.language import Language
from spacy.tokens import Doc, Span

from .components import SPANS_KEY, add_spans, span_scores


class LabelMap:
    """Map a trained pipeline's entity and span labels onto the project's scheme.

    Reads ``doc.ents`` and ``doc.spans[spans_key]``; labels mapped to ``None`` or
    absent from the mapping are dropped. The result replaces ``doc.spans[spans_key]``.
    """

    def __init__(self, name: str, mapping: Mapping[str, str | None], spans_key: str):
        self.name = name
        self.mapping = dict(mapping)
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        seen: dict[tuple[int, int, str], float] = {}
        sources: list[tuple[Span, float]] = [(ent, 1.0) for ent in doc.ents]
        if self.spans_key in doc.spans:
            group = doc.spans[self.spans_key]
            sources.extend(zip(group, span_scores(doc, self.spans_key), strict=True))
        spans: list[Span] = []
        for span, score in sources:
            target = self.mapping.get(span.label_)
            if not target:
                continue
            key = (span.start, span.end, target)
            if key in seen:
                continue
            seen[key] = score
            spans.append(
                Span(
                    doc,
                    span.start,
                    span.end,
                    label=target,
                    span_id=f"model:{span.label_}",
                )
            )
        doc.spans[self.spans_key] = spans
        doc.spans[self.spans_key].attrs["scores"] = [
            seen[(s.start, s.end, s.label_)] for s in spans
        ]
        return doc


@Language.factory(
    "newsroom_label_map", default_config={"mapping": {}, "spans_key": SPANS_KEY}
)
def make_label_map(
    nlp: Language, name: str, mapping: dict[str, str | None], spans_key: str
) -> LabelMap:
    return LabelMap(name, mapping, spans_key)


class ModelEntities:
    """Add a statistical pipeline's entities (``doc.ents``) to the rule spans.

    Mapped labels only; an entity that overlaps a rule span of the same label is
    dropped (the rules' boundaries win), the rest join with a lower score.
    """

    score = 0.6

    def __init__(self, mapping: Mapping[str, str], spans_key: str) -> None:
        self.mapping = dict(mapping)
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        ruled = [(s.start, s.end, s.label_) for s in doc.spans.get(self.spans_key, [])]
        added: list[Span] = []
        for ent in doc.ents:
            label = self.mapping.get(ent.label_)
            if not label:
                continue
            if any(
                lab == label and s < ent.end and ent.start < e for s, e, lab in ruled
            ):
                continue
            added.append(
                Span(
                    doc, ent.start, ent.end, label=label, span_id=f"model:{ent.label_}"
                )
            )
            ruled.append((ent.start, ent.end, label))
        add_spans(doc, self.spans_key, added, [self.score] * len(added))
        return doc


@Language.factory(
    "newsroom_model_ents", default_config={"mapping": {}, "spans_key": SPANS_KEY}
)
def make_model_entities(
    nlp: Language, name: str, mapping: dict[str, str], spans_key: str
) -> ModelEntities:
    return ModelEntities(mapping, spans_key)
