"""A working day in miniature on the one-command default (issue 17).

    python -m bench.soak --minutes 10            # make soak
    python -m bench.soak --minutes 1 --annotators 3 --import-size 300

Starts ``scripts/run.py`` (supervised gunicorn + Celery worker, SQLite, the
embedded broker) on a free port in a fresh folder, then at once: N annotators
at a working pace through the API (autosave every 3 s, submit every 30 s, each
with a token of their own), an import of ``--import-size`` articles with
pre-annotation (batches of 1,000, the API's limit) and an export job. Checks
afterwards: no process died (or it was back within 5 s), no 500, every
acknowledged submission stored exactly once, every job done. Every transaction
is traced (newsroom/db/base.py), so the report also says which held SQLite's
write lock longest.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from bench.stack import Stack

AUTOSAVE_SECONDS = 3.0
SUBMIT_SECONDS = 30.0
IMPORT_BATCH = 1000
WORDS = [
    "Siemens",
    "Allianz",
    "BASF",
    "Deutsche",
    "Bank",
    "Apple",
    "shares",
    "rose",
    "fell",
    "percent",
    "euros",
    "dollars",
    "profit",
    "forecast",
    "quarter",
    "analysts",
    "expect",
    "guidance",
    "merger",
    "bid",
]


class Recorder:
    """Status codes and latencies, from every thread."""

    def __init__(self):
        self.lock = threading.Lock()
        self.codes: collections.Counter = collections.Counter()
        self.latency: dict[str, list[float]] = collections.defaultdict(list)
        self.failures: list[str] = []

    def call(self, stack, kind, method, path, token, body=None):
        started = time.monotonic()
        code, data = stack.api(method, path, token, body)
        with self.lock:
            self.codes[code] += 1
            self.latency[kind].append((time.monotonic() - started) * 1000)
            if code >= 500:
                self.failures.append(f"{code} {method} {path}: {str(data)[:300]}")
        return code, data


def setup_users(stack: Stack, count: int) -> dict[str, str]:
    """Create ``count`` annotators and their tokens (one manage.py call)."""
    script = (
        "import json\n"
        "from django.contrib.auth import get_user_model\n"
        "from annotations.services.accounts import api_token_rotate\n"
        "tokens = {}\n"
        f"for i in range({count}):\n"
        "    user, _ = get_user_model().objects.get_or_create(username=f'soak{i}')\n"
        "    tokens[user.username] = api_token_rotate(user=user).key\n"
        "print(json.dumps(tokens))\n"
    )
    return json.loads(stack.manage("shell", "-c", script).strip().splitlines()[-1])


def synthetic_articles(count: int, prefix: str) -> list[dict]:
    rng = random.Random(prefix)
    return [
        {
            "external_id": f"{prefix}-{n}",
            "title": f"{prefix} {n}",
            "language": "en",
            "text": " ".join(rng.choice(WORDS) for _ in range(60)) + f" ({n}).",
        }
        for n in range(count)
    ]


def annotation_body(project: dict, text: str) -> tuple[list, dict]:
    scheme = project["scheme"]
    first = text.split(" ", 1)[0]
    spans = [{"start": 0, "end": len(first), "label": scheme["span_labels"][0]["key"],
              "text": first}]  # fmt: skip
    labels = {}
    for question in scheme["questions"]:
        choice = question["choices"][0]["key"]
        labels[question["key"]] = [choice] if question["multiple"] else choice
    return spans, labels


def annotate(stack, rec, project, token, article_ids, stop, acknowledged):
    """One annotator: autosave every 3 s, submit each article after 30 s."""
    for article_id in article_ids:
        code, article = rec.call(
            stack, "read", "GET", f"/api/v1/articles/{article_id}/", token
        )
        if code != 200:
            continue
        spans, labels = annotation_body(project, article["text"])
        path = f"/api/v1/articles/{article_id}/my-annotation/"
        version, started = None, time.monotonic()
        while True:
            submit = time.monotonic() - started >= SUBMIT_SECONDS or stop.is_set()
            body = {"spans": spans, "labels": labels,
                    "status": "submitted" if submit else "draft"}  # fmt: skip
            if version is not None:
                body["version"] = version
            code, saved = rec.call(
                stack, "submit" if submit else "autosave", "PUT", path, token, body
            )
            if code in (200, 201):
                version = saved["version"]
                if submit:
                    with rec.lock:
                        acknowledged.append((article_id, saved["annotator"]))
                    break
            elif code == 409 and "current_version" in saved:
                version = saved["current_version"]
            if stop.wait(AUTOSAVE_SECONDS) and submit:
                break
        if stop.is_set():
            return


def wait_for_jobs(stack, rec, token, job_ids, timeout) -> dict[str, str]:
    deadline, states = time.monotonic() + timeout, {}
    while time.monotonic() < deadline:
        for job_id in job_ids:
            if states.get(job_id) not in ("done", "failed"):
                _, job = rec.call(stack, "job", "GET", f"/api/v1/jobs/{job_id}/", token)
                states[job_id] = job.get("status", "?")
        if all(s in ("done", "failed") for s in states.values()):
            break
        time.sleep(1)
    return states


def import_and_export(stack, rec, project_id, token, size, jobs):
    for start in range(0, size, IMPORT_BATCH):
        items = synthetic_articles(min(IMPORT_BATCH, size - start), f"bulk{start}")
        code, result = rec.call(
            stack,
            "import",
            "POST",
            f"/api/v1/projects/{project_id}/articles/",
            token,
            items,
        )
        if code in (200, 201) and result.get("preannotation_job"):
            jobs.append(result["preannotation_job"])
    code, result = rec.call(
        stack, "export", "GET",
        f"/api/v1/projects/{project_id}/export/?format=jsonl&source=annotations&mode=job",
        token,
    )  # fmt: skip
    if code == 202:
        jobs.append(result["job"])


def paged(stack, rec, path, token) -> list[dict]:
    """Every item of a paginated listing, following ``next``."""
    items = []
    while path:
        _, page = rec.call(stack, "list", "GET", path, token)
        items += page.get("results", [])
        path = (page.get("next") or "").replace(stack.url, "") or None
    return items


def stored_submissions(stack, rec, project_id, token) -> list[tuple[int, str]]:
    path = f"/api/v1/projects/{project_id}/annotations/?status=submitted"
    return [(a["article"], a["annotator"]) for a in paged(stack, rec, path, token)]


def lock_profile(trace: Path) -> list[dict]:
    by_origin = collections.defaultdict(list)
    for line in trace.read_text().splitlines() if trace.exists() else ():
        record = json.loads(line)
        by_origin[record["origin"]].append(record)
    rows = []
    for origin, records in by_origin.items():
        held = sorted(r["held_ms"] for r in records)
        rows.append({
            "origin": origin, "count": len(held), "max_ms": held[-1],
            "p95_ms": held[int(0.95 * (len(held) - 1))],
            "max_wait_ms": max(r["wait_ms"] for r in records),
        })  # fmt: skip
    return sorted(rows, key=lambda r: -r["max_ms"])


def prepare(stack, rec, admin, annotators: int, minutes: float):
    """Members, work articles (2 annotators each) and their assignments."""
    _, projects = rec.call(stack, "setup", "GET", "/api/v1/projects/", admin)
    project = next(p for p in projects["results"] if p["language"] == "en")
    tokens = setup_users(stack, annotators)
    for name in tokens:
        rec.call(stack, "setup", "POST", f"/api/v1/projects/{project['id']}/members/",
                 admin, {"user": name, "role": "annotator"})  # fmt: skip
    per_annotator = int(minutes * 60 / SUBMIT_SECONDS) + 2
    work = synthetic_articles(per_annotator * annotators // 2 + 1, "work")
    _, result = rec.call(
        stack,
        "setup",
        "POST",
        f"/api/v1/projects/{project['id']}/articles/",
        admin,
        work,
    )
    listing = paged(stack, rec, f"/api/v1/projects/{project['id']}/articles/", admin)
    ids = sorted(
        a["id"] for a in listing if (a.get("external_id") or "").startswith("work-")
    )
    names, queues = list(tokens), collections.defaultdict(list)
    for n, article_id in enumerate(ids):
        for name in (names[(2 * n) % len(names)], names[(2 * n + 1) % len(names)]):
            code, _ = rec.call(stack, "setup", "POST", f"/api/v1/projects/{project['id']}/assignments/",
                               admin, {"article": article_id, "annotator": name})  # fmt: skip
            if code == 201:
                queues[name].append(article_id)
    return project, tokens, queues, result.get("preannotation_job")


def fuzz(stack, token: str, folder: Path, examples: int, outcome: dict) -> None:
    """A bounded schemathesis run beside the working day: server errors only
    (other checks judge answers that the annotators' writes change meanwhile)."""
    from bench.fuzz_api import fuzz_start, served_schema

    schema = served_schema(stack.url, token, folder / "openapi.yaml")
    process = fuzz_start(
        stack.url,
        token,
        schema=schema,
        max_examples=examples,
        seed=20261202,
        report=folder / "schemathesis-soak.ndjson",
        extra=("--phases", "examples,fuzzing", "--checks", "not_a_server_error"),
    )
    try:
        outcome["returncode"] = process.wait(timeout=900)
    except subprocess.TimeoutExpired:
        process.kill()
        outcome["returncode"] = "timed out"
    outcome["output"] = (folder / "schemathesis-soak.txt").read_text()[-3000:]


def run(
    minutes: float,
    annotators: int,
    import_size: int,
    folder: Path,
    fuzz_examples: int = 0,
) -> dict:
    rec, stop, jobs, acknowledged = Recorder(), threading.Event(), [], []
    fuzzing: dict = {}
    trace = folder / "transactions.jsonl"
    with Stack(folder, extra_env={"NEWSROOM_TRANSACTION_TRACE": str(trace)}) as stack:
        admin = stack.token("admin")
        project, tokens, queues, work_job = prepare(
            stack, rec, admin, annotators, minutes
        )
        jobs += [work_job] if work_job else []
        trace.write_text("")  # measure the working day, not the setup
        threads = [
            threading.Thread(target=annotate, args=(stack, rec, project, tokens[name],
                             queues[name], stop, acknowledged))
            for name in tokens
        ]  # fmt: skip
        threads.append(threading.Thread(
            target=import_and_export, args=(stack, rec, project["id"], admin, import_size, jobs)))  # fmt: skip
        if fuzz_examples:
            threads.append(threading.Thread(
                target=fuzz, args=(stack, admin, folder, fuzz_examples, fuzzing)))  # fmt: skip
        started = time.monotonic()
        for thread in threads:
            thread.start()
        stop.wait(minutes * 60)
        stop.set()
        for thread in threads:
            thread.join(timeout=900 if fuzz_examples else 120)
        elapsed = time.monotonic() - started
        states = wait_for_jobs(stack, rec, admin, jobs, timeout=300)
        stored = stored_submissions(stack, rec, project["id"], admin)
        status = stack.status()
    result = report(
        rec, status, acknowledged, stored, states, lock_profile(trace), elapsed
    )
    result["fuzz"] = fuzzing or None
    return result


def report(rec, status, acknowledged, stored, states, locks, elapsed) -> dict:
    counts = collections.Counter(stored)
    acked = set(acknowledged)
    latency = {
        kind: {"n": len(v), "p50_ms": round(statistics.median(v)),
               "p95_ms": round(sorted(v)[int(0.95 * (len(v) - 1))])}
        for kind, v in rec.latency.items() if v
    }  # fmt: skip
    return {
        "elapsed_s": round(elapsed),
        "restarts": {n: p["restarts"] for n, p in status["programs"].items()},
        "restart_history": {n: p["history"] for n, p in status["programs"].items()},
        "responses": dict(sorted(rec.codes.items())),
        "errors_5xx": rec.failures[:20],
        "acknowledged": len(acked),
        "acknowledged_stored_once": sum(1 for key in acked if counts[key] == 1),
        "duplicates": sum(1 for c in counts.values() if c > 1),
        "jobs": collections.Counter(states.values()),
        "latency": latency,
        "longest_write_locks": locks[:12],
    }


def verdict(result: dict) -> list[str]:
    """What went wrong; empty when the day was good."""
    problems = []
    if any(result["restarts"].values()):
        problems.append(f"processes restarted: {result['restart_history']}")
    if any(code >= 500 for code in result["responses"]):
        problems.append(f"5xx responses: {result['errors_5xx']}")
    if result["acknowledged_stored_once"] != result["acknowledged"]:
        problems.append("an acknowledged submission is missing or stored twice")
    if result["duplicates"]:
        problems.append(f"{result['duplicates']} submissions stored twice")
    if set(result["jobs"]) - {"done"}:
        problems.append(f"jobs not done: {dict(result['jobs'])}")
    fuzz = result.get("fuzz")
    if fuzz is not None and fuzz.get("returncode") != 0:
        problems.append(f"schemathesis beside the soak failed: {fuzz}")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--annotators", type=int, default=10)
    parser.add_argument("--import-size", type=int, default=5000)
    parser.add_argument("--folder", type=Path, default=None, help="default: a temp dir")
    parser.add_argument(
        "--fuzz-examples",
        type=int,
        default=20,
        help="schemathesis examples per operation beside the day (0: no fuzzing)",
    )
    args = parser.parse_args(argv)
    folder = args.folder or Path(tempfile.mkdtemp(prefix="newsroom-soak-"))
    result = run(
        args.minutes, args.annotators, args.import_size, folder, args.fuzz_examples
    )
    print(json.dumps(result, indent=2, default=str))
    problems = verdict(result)
    print("\n".join(["SOAK FAILED:", *problems]) if problems else "SOAK OK")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
