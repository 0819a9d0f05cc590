"""Annotators under load against a real server (issue 15): working pace and saturation.

    python -m bench.load --stack default     # pace:10,pace:50,saturation:10,saturation:50
    python -m bench.load --stack pg --import-articles 10000   # PostgreSQL + Redis
    python -m bench.load --runs saturation:50 --saturation-seconds 60

``--stack default`` starts ``scripts/run.py`` (what ``make run`` starts: gunicorn
sized to the machine, the Celery worker, SQLite, the embedded broker) in a fresh
folder; ``--stack pg`` the same script against a fresh PostgreSQL database
(``LOAD_PG_URL``, default ``postgres://postgres@127.0.0.1:5432``) and a Redis
server of its own (``--redis-port``, default 6396), both removed afterwards.

Each client is a thread with its own user, token and keep-alive HTTP session,
working through its own articles (so every save is a first claim, as in a day
of annotation):

- ``pace``: autosave (draft) every 3 s, the first one claiming the article (then
  read it, as the workspace does), submit after 30 s;
- ``saturation``: one request per article, a full annotation (8 spans and every
  answer) submitted, no think time (the workload of the Label Studio and
  doccano baselines in issue 15).

Afterwards every acknowledged submission (a 200/201 to a submit) is looked up
in the stored annotations: it must be there exactly once.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import requests

from bench._setup import machine
from bench.soak import synthetic_articles
from bench.stack import Stack

AUTOSAVE_SECONDS = 3.0
SUBMIT_SECONDS = 30.0
SPANS_PER_ANNOTATION = 8

SETUP_SCRIPT = """
import json
from django.contrib.auth import get_user_model
try:  # hashed tokens (issue 16) where present
    from annotations.services.accounts import api_token_rotate
    def token_for(user):
        return api_token_rotate(user=user).key
except ImportError:
    from rest_framework.authtoken.models import Token
    def token_for(user):
        return Token.objects.get_or_create(user=user)[0].key
from annotations.choices import Role
from annotations.models import Membership, Project
from annotations.services.articles import articles_import
items = json.loads(open({items!r}).read())
project = Project.objects.filter(language="en").order_by("id").first()
tokens = {{}}
for i in range({clients}):
    user, _ = get_user_model().objects.get_or_create(username=f"load{{i}}")
    Membership.objects.get_or_create(project=project, user=user,
                                     defaults={{"role": Role.ANNOTATOR}})
    tokens[user.username] = token_for(user)
ids = articles_import(project=project, items=items, preannotate=False).created_ids
admin = token_for(get_user_model().objects.get(username="admin"))
print(json.dumps({{"project": project.pk, "tokens": tokens, "ids": ids,
                  "admin": admin}}))
"""


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.codes: collections.Counter = collections.Counter()
        self.latency: dict[str, list[float]] = collections.defaultdict(list)
        self.failures: list[str] = []
        self.acknowledged: list[tuple[int, str]] = []

    def call(self, session, kind, method, url, body=None):
        started = time.monotonic()
        try:
            response = session.request(method, url, json=body, timeout=30)
            code, data = response.status_code, _json(response)
        except requests.RequestException as error:
            code, data = 0, {"error": repr(error)}
        with self.lock:
            self.codes[code] += 1
            self.latency[kind].append((time.monotonic() - started) * 1000)
            if code >= 500 or code == 0:
                self.failures.append(f"{code} {method} {url}: {str(data)[:200]}")
        return code, data


def _json(response) -> dict:
    try:
        return response.json()
    except ValueError:
        return {"raw": response.text[:200]}


def full_annotation(scheme: dict, text: str) -> tuple[list, dict]:
    """8 spans on distinct words of ``text`` (labels in turn) and every answer."""
    labels = [label["key"] for label in scheme["span_labels"]]
    spans, position = [], 0
    words = text.split(" ")
    step = max(1, len(words) // SPANS_PER_ANNOTATION)
    for index, word in enumerate(words):
        if index % step == 0 and len(spans) < SPANS_PER_ANNOTATION and word:
            spans.append({"start": position, "end": position + len(word),
                          "label": labels[len(spans) % len(labels)], "text": word})  # fmt: skip
        position += len(word) + 1
    answers = {}
    for question in scheme["questions"]:
        choice = question["choices"][0]["key"]
        answers[question["key"]] = [choice] if question["multiple"] else choice
    return spans, answers


def client(base, token, scheme, texts, ids, mode, stop, rec):
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    for article_id in ids:
        if stop.is_set():
            return
        spans, answers = full_annotation(scheme, texts[article_id])
        url = f"{base}/api/v1/articles/{article_id}/my-annotation/"
        if mode == "saturation":
            body = {"spans": spans, "labels": answers, "status": "submitted"}
            code, saved = rec.call(session, "submit", "PUT", url, body)
            if code in (200, 201):
                with rec.lock:
                    rec.acknowledged.append((article_id, saved["annotator"]))
            continue
        version, started = None, time.monotonic()
        while True:
            submit = time.monotonic() - started >= SUBMIT_SECONDS or stop.is_set()
            body = {"spans": spans[: 1 + int(time.monotonic() - started) // 4],
                    "labels": answers, "status": "submitted" if submit else "draft"}  # fmt: skip
            if version is not None:
                body["version"] = version
            kind = "submit" if submit else "autosave"
            code, saved = rec.call(session, kind, "PUT", url, body)
            if code in (200, 201):
                if version is None:  # claimed: the workspace now reads the article
                    rec.call(
                        session, "read", "GET", f"{base}/api/v1/articles/{article_id}/"
                    )
                version = saved["version"]
                if submit:
                    with rec.lock:
                        rec.acknowledged.append((article_id, saved["annotator"]))
                    break
            elif code == 409 and "current_version" in saved:
                version = saved["current_version"]
            if submit or stop.wait(AUTOSAVE_SECONDS):
                break


def stored_submissions(base, admin, project_id) -> list[tuple[int, str]]:
    session = requests.Session()
    session.headers["Authorization"] = f"Token {admin}"
    url = f"{base}/api/v1/projects/{project_id}/annotations/?status=submitted"
    stored = []
    while url:
        page = session.get(url, timeout=60).json()
        stored += [(a["article"], a["annotator"]) for a in page["results"]]
        url = page.get("next")
    return stored


class Services:
    """A fresh PostgreSQL database and a Redis server of our own (``--stack pg``)."""

    def __init__(self, redis_port: int, folder: Path):
        self.base = os.environ.get("LOAD_PG_URL", "postgres://postgres@127.0.0.1:5432")
        self.database = f"newsroom_load_{os.getpid()}"
        self.redis_port, self.folder, self.redis = redis_port, folder, None

    def psql(self, sql: str) -> None:
        subprocess.run(["psql", f"{self.base}/postgres", "-qc", sql],
                       check=True, capture_output=True)  # fmt: skip

    def __enter__(self) -> dict:
        self.psql(f"CREATE DATABASE {self.database}")
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(0.5)
        return {
            "DATABASE_URL": f"{self.base}/{self.database}",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
        }

    def __exit__(self, *exc) -> None:
        self.redis.terminate()
        self.redis.wait(timeout=30)
        self.psql(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")


@contextlib.contextmanager
def started(stack: Stack, timeout: float = 900):
    """``stack`` up and healthy (a loaded machine needs minutes for the demo set-up)."""
    try:
        stack.start(timeout=timeout)
        yield stack
    finally:
        stack.stop()


def prepare(stack: Stack, clients: int, per_client: int, folder: Path) -> dict:
    items = synthetic_articles(clients * per_client, f"load{time.time_ns()}")
    (folder / "items.json").write_text(json.dumps(items))
    script = SETUP_SCRIPT.format(items=str(folder / "items.json"), clients=clients)
    setup = json.loads(stack.manage("shell", "-c", script).strip().splitlines()[-1])
    setup["texts"] = dict(zip(setup["ids"], (i["text"] for i in items), strict=True))
    session = requests.Session()
    session.headers["Authorization"] = f"Token {setup['admin']}"
    project = session.get(f"{stack.url}/api/v1/projects/{setup['project']}/").json()
    setup["scheme"] = project["scheme"]
    return setup


def run(stack: Stack, mode: str, clients: int, seconds: float, folder: Path) -> dict:
    """One run on fresh articles; the check looks at this run's articles only."""
    per_client = 400 if mode == "saturation" else int(seconds // SUBMIT_SECONDS) + 2
    setup = prepare(stack, clients, per_client, folder)
    rec, stop = Recorder(), threading.Event()
    names = sorted(setup["tokens"])
    threads = [
        threading.Thread(target=client, args=(
            stack.url, setup["tokens"][name], setup["scheme"], setup["texts"],
            setup["ids"][n * per_client:(n + 1) * per_client], mode, stop, rec))
        for n, name in enumerate(names)
    ]  # fmt: skip
    started_at = time.monotonic()
    for thread in threads:
        thread.start()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.monotonic() - started_at
    ours = set(setup["ids"])
    stored = [
        key
        for key in stored_submissions(stack.url, setup["admin"], setup["project"])
        if key[0] in ours
    ]
    result = report(rec, stored, elapsed, stack.status())
    return {"mode": mode, "clients": clients, **result}


def report(rec: Recorder, stored, elapsed, status) -> dict:
    counts, acked = collections.Counter(stored), set(rec.acknowledged)
    every = [ms for values in rec.latency.values() for ms in values]
    return {
        "seconds": round(elapsed, 1),
        "responses": dict(sorted(rec.codes.items())),
        "errors": sum(n for code, n in rec.codes.items() if code == 0 or code >= 400),
        "failures": rec.failures[:10],
        "submissions_per_s": round(len(rec.acknowledged) / elapsed, 1),
        "requests_per_s": round(len(every) / elapsed, 1),
        "p50_ms": _percentile(every, 0.5), "p95_ms": _percentile(every, 0.95),
        "by_kind": {kind: {"n": len(v), "p50_ms": _percentile(v, 0.5),
                           "p95_ms": _percentile(v, 0.95)}
                    for kind, v in sorted(rec.latency.items())},
        "acknowledged": len(rec.acknowledged),
        "acknowledged_stored_once": sum(1 for key in acked if counts[key] == 1),
        "acknowledged_twice": len(rec.acknowledged) - len(acked),
        "stored_not_acknowledged": len(set(stored) - acked),
        "restarts": {n: p["restarts"] for n, p in status["programs"].items()},
    }  # fmt: skip


def table(results: list[dict]) -> str:
    lines = [
        "| run | clients | requests | errors | full annotations/s | p50 ms | p95 ms "
        "| acknowledged | stored exactly once |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        requests_n = sum(r["responses"].values())
        lines.append(
            f"| {r['mode']} | {r['clients']} | {requests_n:,} | {r['errors']} "
            f"| {r['submissions_per_s']} | {r['p50_ms']} | {r['p95_ms']} "
            f"| {r['acknowledged']:,} | {r['acknowledged_stored_once']:,} |"
        )
    return "\n".join(lines)


def _percentile(values: list[float], q: float) -> int | None:
    if len(values) < 2:
        return round(values[0]) if values else None
    return round(statistics.quantiles(values, n=100)[round(q * 100) - 1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", choices=["default", "pg"], default="default")
    parser.add_argument(
        "--runs",
        default="pace:10,pace:50,saturation:10,saturation:50",
        help="mode:clients, comma-separated; all on one started stack",
    )
    parser.add_argument("--pace-seconds", type=float, default=90)
    parser.add_argument("--saturation-seconds", type=float, default=30)
    parser.add_argument("--import-articles", type=int, default=0,
                        help="then an import of this many articles (bench.load_import)")  # fmt: skip
    parser.add_argument("--port", type=int, default=8170)
    parser.add_argument("--redis-port", type=int, default=6396)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="newsroom-load-"))
    if args.stack == "pg":
        with (
            Services(args.redis_port, folder) as env,
            started(Stack(folder, port=args.port, extra_env=env)) as stack,
        ):
            results = run_all(args, stack, folder)
    else:
        with started(Stack(folder, port=args.port)) as stack:
            results = run_all(args, stack, folder)
    print(json.dumps(results, indent=2))
    print(f"\n{args.stack} stack; {machine()}\n" + table(results["load"]))
    bad = [
        r for r in results["load"]
        if r["errors"] or r["acknowledged_twice"] or r["stored_not_acknowledged"]
        or r["acknowledged_stored_once"] != r["acknowledged"]
    ]  # fmt: skip
    return 1 if bad else 0


def run_all(args, stack: Stack, folder: Path) -> dict:
    results: dict = {"stack": args.stack, "machine": machine(), "load": []}
    for spec in args.runs.split(","):
        mode, clients = spec.split(":")
        seconds = args.pace_seconds if mode == "pace" else args.saturation_seconds
        results["load"].append(run(stack, mode, int(clients), seconds, folder))
        print(json.dumps(results["load"][-1]), flush=True)
    if args.import_articles:  # last: its pre-annotation keeps the worker busy
        from bench.load_import import run as import_run

        results["import"] = import_run(stack, args.import_articles, 1000)
        print(json.dumps(results["import"]), flush=True)
    return results


if __name__ == "__main__":
    raise SystemExit(main())
