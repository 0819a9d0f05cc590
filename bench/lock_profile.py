"""Which background services hold SQLite's write lock, and for how long.

The soak (bench/soak.py) traces imports, pre-annotation and saves under load;
this measures what a working day triggers less often, on a synthetic project of
``--articles`` articles × 2 submitted annotations (bench_dashboard's data):
the agreement figures computed and stored, a release cut, an export job, an
import of ``--import-size`` articles in one call (as ``import_articles`` does
with a big file) and one pre-annotation batch of 200 of them.

    python -m bench.lock_profile --articles 5000 --import-size 10000

Every transaction is traced by newsroom/db/base.py (NEWSROOM_TRANSACTION_TRACE).
SQLite only: PostgreSQL has row locks.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--import-size", type=int, default=10000)
    args = parser.parse_args(argv)
    trace = Path(tempfile.mkdtemp(prefix="newsroom-locks-")) / "transactions.jsonl"
    os.environ["NEWSROOM_TRANSACTION_TRACE"] = str(trace)
    os.environ.pop("DATABASE_URL", None)
    os.environ["REDIS_URL"] = ""

    from bench._setup import configure, machine

    configure("locks")
    from bench.bench_dashboard import build
    from bench.soak import lock_profile

    project, _reviewer, annotations, _spans = build(args.articles)
    trace.write_text("")  # the set-up's bulk inserts are no finding

    from annotations.services.agreement import agreement_current
    from annotations.services.exports import (
        export_job_create,
        export_job_run,
        filters_from_params,
    )
    from annotations.services.importers import import_data
    from annotations.services.preannotation import (
        pipeline_spec_for_project,
        preannotate_articles,
    )
    from annotations.services.releases import release_create
    from bench.soak import synthetic_articles

    imported: dict = {}

    def bulk_import():
        items = synthetic_articles(args.import_size, "lock")
        imported.update(vars(import_data(project=project, data=items, fmt="articles")))

    def one_batch():
        preannotate_articles(
            project=project,
            spec=pipeline_spec_for_project(project),
            article_ids=imported["created_ids"][:200],
        )

    steps = {
        "agreement (compute + store)": lambda: agreement_current(project=project),
        "release_create": lambda: release_create(project=project),
        "export job (jsonl, annotations)": lambda: export_job_run(
            job_id=str(
                export_job_create(
                    project=project,
                    fmt="jsonl",
                    filters=filters_from_params({"source": "annotations"}),
                    names_visible=True,
                ).pk
            )
        ),
        f"import of {args.import_size} articles (one call)": bulk_import,
        "pre-annotation batch (200 articles)": one_batch,
    }
    print(f"{args.articles} articles, {annotations} annotations; {machine()}")
    for name, step in steps.items():
        started = time.perf_counter()
        step()
        print(f"{name}: {time.perf_counter() - started:.1f} s wall")
    print("| transaction | n | held p95 ms | held max ms |")
    print("| --- | ---: | ---: | ---: |")
    for row in lock_profile(trace):
        print(
            f"| {row['origin']} | {row['count']} | {row['p95_ms']:.0f} | {row['max_ms']:.0f} |"
        )


if __name__ == "__main__":
    main()
