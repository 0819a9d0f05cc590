"""What a release holds and what changed since the one before: counts and changelog.

Imported by ``services.releases``; reads a stored release's jsonl through Django's
storage API. ``Tally`` counts while the jsonl file streams by (one pass, flat
memory); ``changes_since`` compares its fingerprints with the previous release's.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.files.storage import default_storage

from annotations.exporters import ExportRow, ExportScheme, assign_split
from annotations.models import Release

CHANGELOG_ID_LIMIT = 100


def _fingerprint(obj: dict[str, Any]) -> str:
    content = json.dumps(
        {"spans": obj["spans"], "labels": obj["labels"]},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(content.encode()).hexdigest()[:16]


class Tally:
    """Counts gathered while the jsonl file streams by (one pass, flat memory)."""

    def __init__(self, seed: str, ratios) -> None:
        self.seed, self.ratios = seed, ratios
        self.articles = 0
        self.kinds: Counter[str] = Counter()
        self.splits: Counter[str] = Counter()
        self.spans: Counter[str] = Counter()
        self.questions: dict[str, Counter[str]] = defaultdict(Counter)
        self.fingerprints: dict[int, str] = {}

    def watch(self, rows: Iterable[ExportRow]) -> Iterator[ExportRow]:
        for row in rows:
            self.articles += 1
            self.kinds[(row.meta.get("newsroom") or {}).get("gold", "adjudicated")] += 1
            self.splits[
                assign_split(str(row.article_id), seed=self.seed, ratios=self.ratios)
            ] += 1
            for span in row.spans:
                self.spans[span.label] += 1
            for key, value in row.labels.items():
                for choice in value if isinstance(value, list) else [value]:
                    self.questions[key][choice] += 1
            self.fingerprints[row.article_id] = _fingerprint(
                {
                    "spans": sorted(
                        [s.start, s.end, s.label, s.text] for s in row.spans
                    ),
                    "labels": row.labels,
                }
            )
            yield row

    def counts(self, scheme: ExportScheme) -> dict[str, Any]:
        """The manifest's ``counts``: articles, gold kinds, splits, labels, answers."""
        return {
            "articles": self.articles,
            "adjudicated": self.kinds.get("adjudicated", 0),
            "consensus": self.kinds.get("consensus", 0),
            "splits": {s: self.splits.get(s, 0) for s in ("train", "dev", "test")},
            "span_labels": {
                label: self.spans.get(label, 0) for label in scheme.span_labels
            },
            "questions": {
                q.key: {c: self.questions[q.key].get(c, 0) for c in q.choices}
                for q in scheme.questions
            },
        }


def _previous_fingerprints(release: Release) -> tuple[dict[int, str], Counter[str]]:
    """Fingerprints and span-label counts of a stored release, read from its jsonl."""
    stored = release.files.filter(name="dataset.jsonl").first()
    fingerprints: dict[int, str] = {}
    labels: Counter[str] = Counter()
    if stored is None:
        return fingerprints, labels
    with default_storage.open(stored.file.name, "rb") as handle:
        for line in handle:
            obj = json.loads(line)
            spans = sorted(
                [s["start"], s["end"], s["label"], s["text"]] for s in obj["spans"]
            )
            fingerprints[obj["id"]] = _fingerprint(
                {"spans": spans, "labels": obj["labels"]}
            )
            labels.update(s["label"] for s in obj["spans"])
    return fingerprints, labels


def changes_since(
    previous: Release | None, tally: Tally
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(full changelog for changelog.json, summary for ``Release.changelog``)."""
    if previous is None:
        full = {
            "previous_release": None,
            "articles_added": sorted(tally.fingerprints),
            "articles_removed": [],
            "articles_changed": [],
            "span_labels": {
                label: {"before": 0, "after": n}
                for label, n in sorted(tally.spans.items())
            },
        }
    else:
        before, before_labels = _previous_fingerprints(previous)
        after = tally.fingerprints
        full = {
            "previous_release": previous.number,
            "articles_added": sorted(set(after) - set(before)),
            "articles_removed": sorted(set(before) - set(after)),
            "articles_changed": sorted(
                pk for pk in set(after) & set(before) if after[pk] != before[pk]
            ),
            "span_labels": {
                label: {"before": before_labels[label], "after": tally.spans[label]}
                for label in sorted(set(before_labels) | set(tally.spans))
                if before_labels[label] != tally.spans[label]
            },
        }
    summary = {"previous_release": full["previous_release"]}
    for key in ("articles_added", "articles_removed", "articles_changed"):
        summary[key.replace("articles_", "n_articles_")] = len(full[key])
        summary[key] = full[key][:CHANGELOG_ID_LIMIT]
    summary["span_labels"] = full["span_labels"]
    return full, summary
