"""Benchmark: the annotator's next article with and without the active-learning order.

Usage: .venv/bin/python bench/bench_queue_order.py [--articles 10000] [--calls 60]

Builds its own database (bench/_setup.py), one project with ``--articles``
articles, each with one stored prediction of the project's pipeline (random
confidence) and every fifth with an older prediction of another pipeline, then
times ``services.queue.assignment_next`` for fresh annotators (each call scans the
whole pool and takes a slot) under the ``default`` and the ``least_confident``
queue order. Prints p50/p95 per order, wall-clock and CPU time.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build(articles: int):
    from annotations.models import Article, Prediction
    from tests.factories import ProjectFactory

    project = ProjectFactory(slug="queue-bench", language="en", pipeline="fin-en")
    Article.objects.bulk_create(
        Article(project=project, title=f"a{i}", text=f"Article {i}.", language="en")
        for i in range(articles)
    )
    rng = random.Random(14)
    rows = []
    for article_id in project.articles.values_list("pk", flat=True):
        if article_id % 5 == 0:
            rows.append(Prediction(article_id=article_id, pipeline="old",
                                   pipeline_version="1", confidence=rng.random()))  # fmt: skip
        rows.append(Prediction(article_id=article_id, pipeline="fin-en",
                               pipeline_version="1", confidence=rng.random()))  # fmt: skip
    Prediction.objects.bulk_create(rows, batch_size=2000)
    return project


def time_calls(project, calls: int, order: str) -> tuple[list[float], list[float]]:
    from annotations.models import Project
    from annotations.services.queue import assignment_next
    from tests.factories import UserFactory

    Project.objects.filter(pk=project.pk).update(queue_order=order)
    project.refresh_from_db()
    wall, cpu = [], []
    for number in range(calls):
        user = UserFactory(username=f"{order}-{number}")
        started, started_cpu = time.perf_counter(), time.process_time()
        assert assignment_next(project=project, user=user) is not None
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=60)
    args = parser.parse_args()
    from bench._setup import configure, machine

    configure("queue_order")
    from django.db import connection

    project = build(args.articles)
    lines = [
        f"## Queue order: next article, default vs least confident ({machine()})",
        "",
        f"{args.articles:,} articles with stored predictions ({connection.vendor}), "
        f"{args.calls} fresh annotators asking for their next article each "
        "(`services.queue.assignment_next`, slot taken).",
        "",
        "| order | p50 ms | p95 ms | p50 CPU ms |",
        "| --- | ---: | ---: | ---: |",
    ]
    for order in ("default", "least_confident"):
        wall, cpu = time_calls(project, args.calls, order)
        lines.append(
            f"| {order} | {statistics.median(wall):.1f} | {p95(wall):.1f} | "
            f"{statistics.median(cpu):.1f} |"
        )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
