"""The article manager's first page with filters on 100,000 articles: p50/p95.

Bulk-creates a synthetic project (100,000 articles; 30 % annotated by two of four
annotators with ~1.5 spans each, 2 % with gold, 50 % pre-annotated with a
confidence, one import batch of 10,000), then times each case ``--runs`` times
(after one warm-up) as the whole page an admin gets (``GET
/projects/<slug>/articles/?…``: access, filter options, the page query, the rows'
details and the template) and, for the count that the page loads afterwards,
``GET …/articles/count/?…``.

Target: the first page with filters under 100 ms p95.

Run: .venv/bin/python bench/bench_article_manager.py [--articles 100000] [--runs 30]
(uses a throw-away SQLite file, or PostgreSQL when DATABASE_URL is set).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import Timer, configure, database_label, machine

TEXT = (
    "Siemens shares rose {pct}% on Tuesday after Deutsche Bank upgraded the stock "
    "to buy, while Allianz slipped and analysts warned of a slowdown. Article {n}."
)
LABELS = ["ORG", "PERCENT", "MONEY"]
BATCH = 1000


def _users(project):
    from django.contrib.auth import get_user_model

    from annotations.choices import Role
    from annotations.services.projects import membership_set

    user_model = get_user_model()
    admin = user_model.objects.create_user("bench-admin", password=None)
    membership_set(project=project, user=admin, role=Role.ADMIN)
    annotators = []
    for index in range(4):
        user = user_model.objects.create_user(f"bench-annotator-{index}", password=None)
        membership_set(project=project, user=user, role=Role.ANNOTATOR)
        annotators.append(user)
    return admin, annotators


def build(n_articles: int, seed: int = 13):
    from annotations.choices import AnnotationStatus, GoldStatus, JobKind, JobStatus
    from annotations.models import (
        Annotation,
        AnnotationSpan,
        Article,
        GoldAnnotation,
        Job,
        Prediction,
    )
    from annotations.models.article import text_sha256
    from annotations.services.projects import project_create

    rng = random.Random(seed)
    project = project_create(slug="bench-articles", name="Bench", language="en")
    admin, annotators = _users(project)
    batch = Job.objects.create(
        project=project, kind=JobKind.IMPORT, status=JobStatus.DONE,
        params={"filename": "batch.jsonl"},
    )  # fmt: skip
    for start in range(0, n_articles, BATCH):
        rows = []
        for n in range(start, min(start + BATCH, n_articles)):
            text = TEXT.format(pct=n % 97, n=n)
            rows.append(
                Article(
                    project=project, title=f"Article {rng.randrange(10**6):06d}",
                    text=text, language="en", content_hash=text_sha256(text),
                    import_job=batch if n < 10_000 else None,
                )
            )  # fmt: skip
        Article.objects.bulk_create(rows)
    ids = list(Article.objects.filter(project=project).values_list("pk", flat=True))
    sha = text_sha256(TEXT)
    annotations = []
    for pk in ids:
        if rng.random() < 0.3:
            for user in rng.sample(annotators, 2):
                status = (
                    AnnotationStatus.SUBMITTED if rng.random() < 0.8
                    else AnnotationStatus.DRAFT
                )  # fmt: skip
                annotations.append(
                    Annotation(
                        article_id=pk, annotator=user, status=status, text_sha256=sha,
                        labels={"sentiment": rng.choice(["positive", "negative"])},
                    )
                )  # fmt: skip
    Annotation.objects.bulk_create(annotations, batch_size=BATCH)
    spans = [
        AnnotationSpan(
            annotation=annotation, start=0, end=7, label=rng.choice(LABELS),
            text="Siemens",
        )
        for annotation in Annotation.objects.filter(article__project=project)
        if rng.random() < 0.75
    ]  # fmt: skip
    AnnotationSpan.objects.bulk_create(spans, batch_size=BATCH)
    gold = [
        GoldAnnotation(
            article_id=pk, reviewer=admin, status=GoldStatus.FINAL, text_sha256=sha
        )
        for pk in rng.sample(ids, len(ids) // 50)
    ]
    GoldAnnotation.objects.bulk_create(gold, batch_size=BATCH)
    predictions = []
    for pk in ids:
        if rng.random() < 0.5:
            score = round(rng.random(), 3)
            predictions.append(
                Prediction(
                    article_id=pk, pipeline="bench", pipeline_version="1",
                    spans=[{"start": 0, "end": 7, "label": "ORG", "text": "Siemens",
                            "score": score}],
                    min_score=score,
                )
            )  # fmt: skip
    Prediction.objects.bulk_create(predictions, batch_size=BATCH)
    return project, admin, annotators, batch, len(annotations), len(spans)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def timed(client, url: str, runs: int) -> tuple[float, float, float, float, int]:
    """Wall-clock and CPU p50/p95 of ``runs`` GETs (CPU: this process, which runs
    SQLite too, so it stays meaningful on a loaded machine)."""
    response = client.get(url)  # warm-up (and the check)
    assert response.status_code == 200, (url, response.status_code)
    rows = response.content.count(b'data-testid="article-row"')
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return (*percentiles(wall), *percentiles(cpu), rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    configure("articles")
    from django.db import connection
    from django.test import Client

    with Timer() as setup:
        project, admin, annotators, batch, n_annotations, n_spans = build(args.articles)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client()
    client.force_login(admin)
    client.get("/")  # first request of the process: URLconf, templates, middleware
    base = f"/projects/{project.slug}/articles/"
    anna = annotators[0].username
    cases = [
        ("no filter, import order", ""),
        ("newest first", "?sort=-id"),
        ("title A–Z", "?sort=title"),
        ("status submitted by one annotator, no gold, title Z–A",
         f"?annotator={anna}&status=submitted&gold=no&sort=-title"),
        ("label ORG, pre-annotated, confidence < 0.2",
         "?label=ORG&preannotation=predicted&confidence_below=0.2"),
        ("not started by one annotator, in the queue", f"?annotator={anna}&status=none&queue=in"),
        ("imported batch, has gold", f"?batch={batch.pk}&gold=yes"),
        ("search a word in every text", "?q=Allianz"),
        ("search a rare title", "?q=Article+000042"),
        ("disagreement (scored once, then cached)", "?disagreement=yes"),
    ]  # fmt: skip
    results = []
    for name, query in cases:
        *page, rows = timed(client, base + query, args.runs)
        results.append((name, "page", rows, *page))
        *count, _ = timed(client, base + "count/" + query, args.runs)
        results.append((name, "count", None, *count))
    print(f"# bench_article_manager: {args.articles:,} articles, "
          f"{n_annotations:,} annotations, {n_spans:,} spans "
          f"({database_label()}; {machine()}; load average {os.getloadavg()[0]:.1f})")  # fmt: skip
    print(f"set-up (bulk create): {setup.seconds:.1f} s; {args.runs} runs per case")
    print(
        "| case | request | rows | wall p50 ms | wall p95 ms | CPU p50 ms | CPU p95 ms |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for name, kind, rows, w50, w95, c50, c95 in results:
        shown = "" if rows is None else rows
        print(f"| {name} | {kind} | {shown} | {w50 * 1000:.1f} | {w95 * 1000:.1f} "
              f"| {c50 * 1000:.1f} | {c95 * 1000:.1f} |")  # fmt: skip
    pages = [r for r in results if r[1] == "page"][:7]
    for label, index in (("wall", 4), ("CPU", 6)):
        ok = max(r[index] for r in pages) < 0.1
        print(f"target (first page with filters < 100 ms p95, first 7 cases, "
              f"{label}): {'met' if ok else 'MISSED'}")  # fmt: skip


if __name__ == "__main__":
    main()
