"""The import's write path through the API: 10,000 articles, timed per request (issue 15).

    python -m bench.load_import --stack default          # SQLite, the embedded broker
    python -m bench.load_import --stack pg               # PostgreSQL + Redis

Starts ``scripts/run.py`` like ``bench.load`` (same ``--stack`` choices, same
services), then sends ``--articles`` new articles to
``POST /api/v1/projects/{id}/articles/`` in requests of ``--batch`` (the API's
limit, 1,000) one after the other, as a client script would, and reports the
wall time of each request and of all. Pre-annotation jobs are queued as usual
(the worker runs meanwhile); the figure is the write path, until the last
request is answered. Every article must be created exactly once.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import requests

from bench._setup import machine
from bench.load import Services, started
from bench.soak import synthetic_articles
from bench.stack import Stack


def run(stack: Stack, articles: int, batch: int) -> dict:
    admin = stack.token("admin")
    session = requests.Session()
    session.headers["Authorization"] = f"Token {admin}"
    projects = session.get(f"{stack.url}/api/v1/projects/").json()["results"]
    project = next(p for p in projects if p["language"] == "en")
    url = f"{stack.url}/api/v1/projects/{project['id']}/articles/"
    bodies = [
        json.dumps(synthetic_articles(min(batch, articles - start), f"imp{start}"))
        for start in range(0, articles, batch)
    ]
    session.post(url, data=json.dumps(synthetic_articles(10, "warm")),
                 headers={"Content-Type": "application/json"}, timeout=60)  # fmt: skip
    timings, created, codes, jobs = [], 0, [], []
    started = time.perf_counter()
    for body in bodies:
        sent = time.perf_counter()
        response = session.post(url, data=body, timeout=120,
                                headers={"Content-Type": "application/json"})  # fmt: skip
        timings.append(round((time.perf_counter() - sent) * 1000))
        codes.append(response.status_code)
        summary = response.json()
        created += summary.get("created", 0)
        jobs.append(summary.get("preannotation_job"))
    total = time.perf_counter() - started
    return {
        "articles": articles, "batch": batch, "machine": machine(),
        "total_s": round(total, 2), "per_request_ms": timings, "codes": codes,
        "created": created, "preannotation_jobs": sum(1 for j in jobs if j),
    }  # fmt: skip


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", choices=["default", "pg"], default="default")
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--port", type=int, default=8172)
    parser.add_argument("--redis-port", type=int, default=6397)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="newsroom-import-"))
    if args.stack == "pg":
        with (
            Services(args.redis_port, folder) as env,
            started(Stack(folder, port=args.port, extra_env=env)) as stack,
        ):
            result = run(stack, args.articles, args.batch)
    else:
        with started(Stack(folder, port=args.port)) as stack:
            result = run(stack, args.articles, args.batch)
    result["stack"] = args.stack
    print(json.dumps(result, indent=2))
    return 0 if result["created"] == args.articles else 1


if __name__ == "__main__":
    raise SystemExit(main())
