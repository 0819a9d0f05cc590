"""Dashboard and agreement API of a project with 100,000 annotations: cold and warm.

Bulk-creates a synthetic project (50,000 articles × 2 submitted annotations by
four annotators, ~1.5 spans each, 1 % adjudicated), then times:

- cold: the agreement figures computed from the database and stored as a
  snapshot (``services.agreement.agreement_current`` with no snapshot);
- warm: the same call when the snapshot is current (watermark check + read);
- the agreement API body (names, with Dawid–Skene posteriors), the dashboard
  section (``views.dashboard.dashboard_context``) and the whole project page
  (``GET /projects/<slug>/`` as a reviewer), all warm;
- the review queue (``selectors.review_queue``): the first page in the default
  order (the database pages), most disagreement first (every article scored),
  the next page of that order (scores from the cache), then the queue page
  ordered by disagreement as a reviewer.

Target: warm dashboard and API under one second.

Run: .venv/bin/python bench/bench_dashboard.py [--articles 50000]
(uses a throw-away SQLite file, or PostgreSQL when DATABASE_URL is set).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import Timer, configure, database_label, machine

TEXT = (
    "Siemens shares rose 5% on Tuesday after Deutsche Bank upgraded the stock "
    "to buy, while Allianz slipped and analysts at Commerzbank warned of a "
    "sharp slowdown in orders. Article {n}."
)
PHRASES = [("Siemens", "ORG"), ("Deutsche Bank", "ORG"), ("5%", "PERCENT"),
           ("Allianz", "ORG"), ("sharp slowdown", "LOADED")]  # fmt: skip
SENTIMENT = ["very_negative", "negative", "neutral", "positive", "very_positive"]


def build(n_articles: int, seed: int = 6):
    from django.contrib.auth import get_user_model

    from annotations.choices import AnnotationStatus, GoldStatus, Role, SpanOrigin
    from annotations.models import (
        Annotation,
        AnnotationSpan,
        Article,
        GoldAnnotation,
        GoldSpan,
    )
    from annotations.models.article import text_sha256
    from annotations.services.projects import membership_set, project_create

    rng = random.Random(seed)
    user_model = get_user_model()
    reviewer = user_model.objects.create_user("bench-reviewer", password=None)
    annotators = [
        user_model.objects.create_user(f"bench-annotator-{i}", password=None)
        for i in range(4)
    ]
    project = project_create(
        slug="bench-dashboard", name="Bench dashboard", language="en", overlap=2
    )
    membership_set(project=project, user=reviewer, role=Role.REVIEWER)
    for user in annotators:
        membership_set(project=project, user=user, role=Role.ANNOTATOR)
    texts = [TEXT.format(n=i) for i in range(n_articles)]
    Article.objects.bulk_create(
        (
            Article(
                project=project,
                title=f"Article {i}",
                text=text,
                language="en",
                content_hash=text_sha256(text),
                is_calibration=i % 10 == 0,
            )
            for i, text in enumerate(texts)
        ),
        batch_size=5000,
    )
    articles = list(
        Article.objects.filter(project=project).values_list("pk", "content_hash")
    )
    rows, truth = [], {}
    for index, (pk, digest) in enumerate(articles):
        true_value = rng.choice(SENTIMENT)
        truth[pk] = true_value
        pair = rng.sample(annotators, 2)
        for user in pair:
            value = true_value if rng.random() < 0.75 else rng.choice(SENTIMENT)
            rows.append(
                Annotation(
                    article_id=pk,
                    annotator=user,
                    status=AnnotationStatus.SUBMITTED,
                    labels={
                        "sentiment": value,
                        "bias": "biased" if rng.random() < 0.3 else "non_biased",
                    },
                    version=1,
                    lead_time_ms=rng.randint(20_000, 200_000),
                    text_sha256=digest,
                )
            )
        del index
    Annotation.objects.bulk_create(rows, batch_size=5000)
    spans = []
    text0 = TEXT.format(n=0)
    for annotation_id in Annotation.objects.filter(
        article__project=project
    ).values_list("pk", flat=True):
        for phrase, label in rng.sample(PHRASES, rng.choice([1, 1, 2])):
            start = text0.index(phrase)
            spans.append(
                AnnotationSpan(
                    annotation_id=annotation_id,
                    start=start,
                    end=start + len(phrase),
                    label=label,
                    text=phrase,
                    origin=rng.choice(list(SpanOrigin.values)),
                )
            )
    AnnotationSpan.objects.bulk_create(spans, batch_size=10000)
    golds = [
        GoldAnnotation(
            article_id=pk,
            reviewer=reviewer,
            status=GoldStatus.FINAL,
            labels={"sentiment": truth[pk], "bias": "non_biased"},
            text_sha256=digest,
        )
        for pk, digest in articles[:: max(1, n_articles // (n_articles // 100 or 1))]
    ]
    GoldAnnotation.objects.bulk_create(golds, batch_size=5000)
    start = text0.index("Siemens")
    GoldSpan.objects.bulk_create(
        (
            GoldSpan(gold=g, start=start, end=start + 7, label="ORG", text="Siemens")
            for g in GoldAnnotation.objects.filter(article__project=project)
        ),
        batch_size=5000,
    )
    return project, reviewer, len(rows), len(spans)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50_000)
    args = parser.parse_args()
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    configure("dashboard")
    from django.test import Client

    from annotations.choices import Role
    from annotations.models import AgreementSnapshot
    from annotations.selectors.review_queue import ReviewQueueFilters, review_queue
    from annotations.services.agreement import agreement_current, agreement_for_viewer
    from annotations.views.dashboard import dashboard_context

    with Timer() as setup:
        project, reviewer, n_annotations, n_spans = build(args.articles)
    AgreementSnapshot.objects.filter(project=project).delete()
    with Timer() as cold:
        agreement_current(project=project)
    with Timer() as warm:
        agreement_current(project=project)
    with Timer() as api:
        agreement_for_viewer(project=project, role=Role.REVIEWER)
    with Timer() as dashboard:
        dashboard_context(project=project, role=Role.REVIEWER)
    client = Client()
    client.force_login(reviewer)
    client.get("/")  # first request of the process: URLconf, templates, middleware
    with Timer() as page:
        response = client.get(f"/projects/{project.slug}/")
    assert response.status_code == 200, response.status_code
    assert b'data-testid="dashboard"' in response.content
    with Timer() as queue_first:
        review_queue(project=project, filters=ReviewQueueFilters())
    by_disagreement = ReviewQueueFilters(order="disagreement")
    with Timer() as queue_scored:
        review_queue(project=project, filters=by_disagreement)
    with Timer() as queue_cached:
        review_queue(
            project=project, filters=ReviewQueueFilters(order="disagreement", page=2)
        )
    with Timer() as queue_page:
        queue = client.get(f"/projects/{project.slug}/review/?order=disagreement")
    assert queue.status_code == 200, queue.status_code
    rows = [
        ("cold: compute + store figures", cold.seconds),
        ("warm: figures (watermark + snapshot)", warm.seconds),
        ("warm: agreement API body", api.seconds),
        ("warm: dashboard section", dashboard.seconds),
        ("warm: project page with dashboard", page.seconds),
        ("review queue: first page, default order", queue_first.seconds),
        ("review queue: most disagreement first (all scored)", queue_scored.seconds),
        ("review queue: by disagreement, next page (cached)", queue_cached.seconds),
        ("review queue page by disagreement (GET, cached)", queue_page.seconds),
    ]
    print(f"# bench_dashboard: {n_annotations:,} annotations, {n_spans:,} spans, "
          f"{args.articles:,} articles ({database_label()}; {machine()})")  # fmt: skip
    print(f"set-up (bulk create): {setup.seconds:.1f} s")
    print("| measurement | seconds |")
    print("| --- | ---: |")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.3f} |")
    ok = max(warm.seconds, api.seconds, dashboard.seconds, page.seconds) < 1.0
    print(f"target (warm < 1 s): {'met' if ok else 'MISSED'}")


if __name__ == "__main__":
    main()
