"""Export throughput and peak memory per format, against the raw exporter speed.

Synthetic project: N articles (default 10,000), 3 annotators each with ~10 spans and
all questions answered, no adjudicated gold, so ``source=gold`` exercises the
automatic consensus (the heaviest read: three annotations per article).

For each format a fresh child process runs the export exactly as the API streams it
(``services.exports.export_stream``) into a byte counter, and reports articles/s and
its peak RSS (``ru_maxrss``) together with the RSS before the export (Django and
spaCy loaded). The "library" column is the same exporter over prebuilt ``ExportRow``
objects in memory (no database): the ceiling the database path can reach; the ratio
is database / library.

Every article also has one stored prediction (10 scored spans, scores for every
choice of the three questions, evidence spans), exported with ``source=predictions``.

Targets (issue 5): ``jsonl`` >= 5,000 articles/s and < 300 MB peak at 100,000
articles on PostgreSQL. Issue 11: 10,000 articles with predictions in <= 3 s and
< 300 MiB (Label Studio 1.23: 33.7 s, 614 MiB).

Run:  .venv/bin/python bench/bench_export.py [--articles 10000] [--formats jsonl,conll]
      [--sources gold,annotations,predictions]
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_api .venv/bin/python bench/bench_export.py [--db-name mine]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FORMATS = ("jsonl", "conll", "labelstudio", "hf", "spacy")
COMPANIES = ("Siemens", "Deutsche Bank", "Allianz", "BASF", "Apple", "Tesla", "SAP")
SENTENCE = (
    "{a} shares rose 4.5% after {b} said analysts expect strong demand, "
    "while {c} cut its forecast by $1.2 billion. "
)


def synthetic_text(i: int) -> tuple[str, list[tuple[int, int, str]]]:
    parts, spans, offset = [], [], 0
    for k in range(3):
        names = [COMPANIES[(i + k + j) % len(COMPANIES)] for j in range(3)]
        sentence = SENTENCE.format(a=names[0], b=names[1], c=names[2])
        for name in names:
            start = sentence.index(name)
            spans.append((offset + start, offset + start + len(name), "ORG"))
        for token, label in (("4.5%", "PERCENT"),):
            start = sentence.index(token)
            spans.append((offset + start, offset + start + len(token), label))
        parts.append(sentence)
        offset += len(sentence)
    return "".join(parts) + f"({i})", spans[:10]


def synthetic_prediction(article, spans):
    """A prediction as pre-annotation stores it: scored spans, choice scores, evidence."""
    from annotations.models import Prediction

    def scored(start, end, label, k):
        return {
            "start": start,
            "end": end,
            "label": label,
            "text": article.text[start:end],
            "score": round(0.5 + (k % 5) / 10, 2),
            "source": "rules",
        }

    return Prediction(
        article=article,
        pipeline="fin-en",
        pipeline_version="1.0.0",
        spans=[scored(*span, k) for k, span in enumerate(spans)],
        labels={
            "sentiment": {
                "very_negative": 0.05,
                "negative": 0.6,
                "neutral": 0.2,
                "positive": 0.1,
                "very_positive": 0.05,
            },
            "bias": {"non_biased": 0.7, "biased": 0.3},
            "opinion": {"factual": 0.5, "somewhat_opinionated": 0.3, "opinion": 0.2},
        },
        evidence=[
            {
                "question": "sentiment",
                "spans": [scored(*span, k) for k, span in enumerate(spans[:4])],
            }
        ],
    )


def build(n: int) -> int:
    """Create the synthetic project with bulk inserts; returns the project id."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from annotations.models import Annotation, AnnotationSpan, Article, Prediction
    from annotations.models.article import text_sha256
    from annotations.selectors import guideline_current
    from annotations.services.projects import project_create

    project = project_create(slug=f"bench-{n}", name="bench", language="en")
    guideline = guideline_current(project=project)
    users = [
        get_user_model().objects.create(username=f"bench-annotator-{k}")
        for k in range(3)
    ]
    labels = {"sentiment": "negative", "bias": "non_biased", "opinion": "factual"}
    batch = 2000
    for first in range(0, n, batch):
        with transaction.atomic():
            texts = [synthetic_text(i) for i in range(first, min(n, first + batch))]
            articles = Article.objects.bulk_create(
                Article(
                    project=project,
                    title=f"Article {first + j}",
                    text=text,
                    language="en",
                    external_id=f"bench-{first + j}",
                    content_hash=text_sha256(text),
                )
                for j, (text, _) in enumerate(texts)
            )
            annotations = Annotation.objects.bulk_create(
                Annotation(
                    article=article,
                    annotator=user,
                    status="submitted",
                    labels=labels,
                    guideline_version=guideline,
                    text_sha256=article.content_hash,
                )
                for article in articles
                for user in users
            )
            by_article = {
                a.pk: spans for a, (_, spans) in zip(articles, texts, strict=True)
            }
            Prediction.objects.bulk_create(
                (
                    synthetic_prediction(article, by_article[article.pk])
                    for article in articles
                ),
                batch_size=1000,
            )
            AnnotationSpan.objects.bulk_create(
                (
                    AnnotationSpan(
                        annotation=annotation,
                        start=start,
                        end=end,
                        label=label,
                        text=annotation.article.text[start:end],
                    )
                    for annotation in annotations
                    for start, end, label in by_article[annotation.article_id]
                ),
                batch_size=5000,
            )
    return project.pk


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(mode: str, fmt: str, project_id: int, source: str, n: int) -> dict:
    """Runs in a fresh process: one export, its time and peak memory."""
    import django

    django.setup()
    from annotations.exporters import get_exporter, iter_export
    from annotations.models import Project
    from annotations.selectors.export_rows import export_rows
    from annotations.selectors.exports import (
        ExportFilters,
        export_scheme,
        export_split_options,
    )
    from annotations.services.exports import export_stream

    get_exporter(fmt)  # import the format's module (spaCy) before measuring
    import spacy

    spacy.blank("en")
    project = Project.objects.get(pk=project_id)
    filters = ExportFilters(source=source)
    before = rss_mb()
    size = 0
    cpu = time.process_time()
    if mode == "db":
        start = time.perf_counter()
        for chunk in export_stream(
            project=project, fmt=fmt, filters=filters, names_visible=False
        ):
            size += len(chunk)
        seconds = time.perf_counter() - start
    else:
        rows = list(export_rows(project=project, filters=filters))
        before = rss_mb()
        cpu = time.process_time()
        start = time.perf_counter()
        for chunk in iter_export(
            get_exporter(fmt),
            rows,
            scheme=export_scheme(project=project),
            **export_split_options(project),
        ):
            size += len(chunk)
        seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "cpu_seconds": time.process_time() - cpu,
        "rate": n / seconds,
        "bytes": size,
        "rss_before_mb": before,
        "peak_mb": rss_mb(),
    }


def run_child(mode, fmt, project_id, source, n) -> dict:
    out = subprocess.run(
        [
            sys.executable, __file__, "--child", mode, "--format", fmt,
            "--project-id", str(project_id), "--source", source, "--articles", str(n),
        ],
        check=True, capture_output=True, text=True, env=os.environ.copy(),
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--sources", default="gold,annotations,predictions")
    parser.add_argument(
        "--db-name",
        help="Benchmark database suffix (PostgreSQL: newsroom_bench_<name>); "
        "default export<articles>. Give your own when others may run it too.",
    )
    parser.add_argument("--child", choices=["db", "raw"])
    parser.add_argument("--format", default="jsonl")
    parser.add_argument("--project-id", type=int)
    parser.add_argument("--source", default="gold")
    parser.add_argument(
        "--no-library", action="store_true", help="Skip the prebuilt-rows runs."
    )
    args = parser.parse_args()
    if args.child:
        result = child(
            args.child, args.format, args.project_id, args.source, args.articles
        )
        print(json.dumps(result))
        return

    from bench._setup import Timer, configure, database_label, machine

    configure(args.db_name or f"export{args.articles}")
    with Timer() as timer:
        project_id = build(args.articles)
    vendor = database_label()
    lines = [
        f"Export benchmark: {args.articles:,} articles x 3 annotators x 10 spans "
        "(+ 1 prediction each), "
        f"{vendor}, {machine()}",
        f"synthetic data bulk-created in {timer.seconds:.1f} s",
        "",
        "| format | source | articles/s | s | CPU s | MB out | RSS before | peak RSS | "
        "library articles/s | db / library |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    formats = args.formats.split(",")
    sources = args.sources.split(",")
    runs = [(fmt, "gold") for fmt in formats] if "gold" in sources else []
    if "jsonl" in formats and "annotations" in sources:
        runs.insert(1, ("jsonl", "annotations"))
    if "predictions" in sources:
        runs += [(fmt, "predictions") for fmt in formats]
    for fmt, source in runs:
        n = args.articles * (3 if source == "annotations" else 1)
        db = run_child("db", fmt, project_id, source, args.articles)
        raw = (
            None
            if args.no_library
            else run_child("raw", fmt, project_id, source, args.articles)
        )
        lines.append(
            f"| {fmt} | {source} | {db['rate']:,.0f} | {db['seconds']:.1f} | "
            f"{db['cpu_seconds']:.1f} | "
            f"{db['bytes'] / 1e6:.1f} | {db['rss_before_mb']:.0f} MB | "
            f"{db['peak_mb']:.0f} MB | "
            + (
                f"{raw['rate']:,.0f} | {db['rate'] / raw['rate']:.2f} |"
                if raw
                else "– | – |"
            )
        )
        if source == "annotations":
            lines[-1] += f" ({n:,} rows)"
        print(lines[-1], file=sys.stderr, flush=True)
    lines += [
        "",
        "s = wall-clock seconds; CPU s = the exporting process's own CPU time (the "
        "database server's is not in it); load average at the end: "
        + ", ".join(f"{x:.1f}" for x in os.getloadavg()),
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    if "--child" in sys.argv:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.local")
    main()
