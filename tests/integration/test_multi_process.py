"""The production layout on one machine: two web processes and two workers, one database.

Two gunicorn processes on different ports and two Celery workers, all with
``newsroom.settings.production``, share one database, one broker and one cache:
PostgreSQL + Redis when DATABASE_URL/REDIS_URL are set (CI; a database and a
Redis db index of their own), else a SQLite file and the embedded broker.
Annotators save through both web processes at once; a pre-annotation job in
small chunks is worked off by both workers; one token's requests, spread over
both web processes, are throttled once (a shared cache). Afterwards the stored
state is consistent: every acknowledged submission once, one prediction per
article, the job done. The test makes its own database and uses no fixture of
pytest-django: everything goes through HTTP and ``manage.py``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from bench.load import full_annotation
from bench.stack import free_port

pytestmark = pytest.mark.worker

ROOT = Path(__file__).resolve().parent.parent.parent
ARTICLES, ANNOTATORS, RATE = 16, 4, 60

SETUP = """
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
from annotations.services.articles import articles_import
from annotations.services.projects import membership_set, project_create
User = get_user_model()
admin = User.objects.create_user("mp-admin", password="x" * 20)
project = project_create(slug="multi", name="Multi", language="en",
                         pipeline="fin-en", created_by=admin, overlap=2)
membership_set(project=project, user=admin, role=Role.ADMIN)
tokens = {{}}
for name in ["mp-admin", "mp-throttled"] + [f"mp{{i}}" for i in range({annotators})]:
    user = User.objects.get_or_create(username=name)[0]
    if name != "mp-admin":
        membership_set(project=project, user=user, role=Role.ANNOTATOR)
    tokens[name] = token_for(user)
items = [{{"external_id": f"mp-{{i}}", "title": f"T{{i}}",
          "text": {text!r}.format(i)}}
         for i in range({articles})]
ids = articles_import(project=project, items=items, preannotate=False).created_ids
print(json.dumps({{"project": project.pk, "tokens": tokens, "ids": ids}}))
"""

CHECK = """
import json
from collections import Counter
from annotations.models import Prediction
rows = Prediction.objects.filter(article__project_id={project})
print(json.dumps(Counter(str(a) for a in rows.values_list("article_id", flat=True))))
"""


def services(tmp_path: Path):
    """(env, cleanup): PostgreSQL + Redis from the environment, else SQLite + files."""
    database_url, redis_url = (
        os.environ.get("DATABASE_URL", ""),
        os.environ.get("REDIS_URL", ""),
    )
    env = {"NEWSROOM_VAR_DIR": str(tmp_path / "var"), "REDIS_URL": ""}
    cleanup = []
    if database_url.startswith("postgres"):
        base, name = database_url.rsplit("/", 1)[0], f"newsroom_mp_{os.getpid()}"
        psql = ["psql", f"{base}/postgres", "-qc"]
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {name}"], check=True)
        subprocess.run([*psql, f"CREATE DATABASE {name}"], check=True)
        cleanup.append([*psql, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"])
        env["DATABASE_URL"] = f"{base}/{name}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'mp.sqlite3'}"
    if redis_url:
        # A db index of its own: the session's test worker listens on REDIS_URL's.
        env["REDIS_URL"] = redis_url.rsplit("/", 1)[0] + "/13"
        subprocess.run(["redis-cli", "-u", env["REDIS_URL"], "flushdb"], check=False)
    return env, cleanup


class Processes:
    def __init__(self, env: dict, folder: Path):
        self.env, self.folder, self.running = env, folder, []

    def manage(self, *args: str) -> str:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env,
            capture_output=True, text=True, check=True, timeout=300,
        ).stdout  # fmt: skip

    def start(self, name: str, argv: list[str]) -> Path:
        log = self.folder / f"{name}.log"
        with log.open("wb") as handle:
            self.running.append(subprocess.Popen(
                [sys.executable, "-m", *argv], cwd=ROOT, env=self.env,
                stdout=handle, stderr=subprocess.STDOUT,
            ))  # fmt: skip
        return log

    def stop(self) -> None:
        for process in self.running:
            process.terminate()
        for process in self.running:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_until_up(url: str, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/healthz", timeout=5).status_code in (200, 503):
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    pytest.fail(f"{url} did not come up in {timeout} s")


def wait_for_line(log: Path, text: str, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return
        time.sleep(0.5)
    pytest.fail(f"{log.name}: no {text!r} in {timeout} s:\n{log.read_text()[-2000:]}")


def session(token: str) -> requests.Session:
    client = requests.Session()
    client.headers["Authorization"] = f"Token {token}"
    return client


def text_of(n: int) -> str:
    """SETUP's text of item ``n`` (annotators read an article only once they claimed it)."""
    return f"Shares of Siemens AG rose {n} percent, analysts said."


def annotate(urls, token, ids, texts, scheme, acknowledged, codes, lock):
    """Submit each article, every other one through the other web process."""
    client = session(token)
    for n, article_id in enumerate(ids):
        url = urls[n % 2]
        spans, answers = full_annotation(scheme, texts[article_id])
        response = client.put(
            f"{url}/api/v1/articles/{article_id}/my-annotation/",
            json={"spans": spans, "labels": answers, "status": "submitted"},
            timeout=30,
        )
        with lock:
            codes.append(response.status_code)
            if response.status_code in (200, 201):
                acknowledged.append((article_id, response.json()["annotator"]))


def wait_for_job(client, url, job_id, timeout=60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"{url}/api/v1/jobs/{job_id}/", timeout=10).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(2)
    pytest.fail(f"job {job_id} not done in {timeout} s: {job}")


@pytest.fixture
def layout(tmp_path):
    env, cleanup = services(tmp_path)
    env = {
        **os.environ, **env,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.production",
        "SECRET_KEY": "multi-process-" * 4, "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False", "STATIC_ROOT": str(tmp_path / "static"),
        "API_TOKEN_RATE": f"{RATE}/min", "PREANNOTATE_CHUNK": "2",
        "PYTHONUNBUFFERED": "1",
    }  # fmt: skip
    processes = Processes(env, tmp_path)
    try:
        processes.manage("migrate", "--no-input")
        setup = json.loads(
            processes.manage(
                "shell",
                "-c",
                SETUP.format(
                    annotators=ANNOTATORS,
                    articles=ARTICLES,
                    text=text_of(0).replace("0", "{}", 1),
                ),
            ).splitlines()[-1]
        )
        ports = [free_port(), free_port()]
        for name, port in zip("ab", ports, strict=True):
            processes.start(f"web-{name}", [
                "gunicorn", "newsroom.wsgi:application", "--bind", f"127.0.0.1:{port}",
                "--workers", "1", "--threads", "4", "--worker-class", "gthread"])  # fmt: skip
        worker = ["celery", "-A", "newsroom", "worker", "--queues", "celery,nlp",
                  "--pool", "solo", "--loglevel", "INFO"]  # fmt: skip
        logs = [
            processes.start(
                f"worker-{name}",
                [*worker, "--hostname", f"mp-{name}-{os.getpid()}@%h"],
            )
            for name in "ab"
        ]
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url in urls:
            wait_until_up(url)
        for log in logs:
            wait_for_line(log, " ready.")
        yield {"urls": urls, "logs": logs, "processes": processes, **setup}
    finally:
        processes.stop()
        for command in cleanup:
            subprocess.run(command, check=False)


def test_two_web_processes_and_two_workers_stay_consistent(layout):
    started = time.monotonic()
    urls, tokens, ids = layout["urls"], layout["tokens"], layout["ids"]
    admin = session(tokens["mp-admin"])
    # A pre-annotation job in chunks of 2, while annotators save through both.
    job = admin.post(
        f"{urls[0]}/api/v1/projects/{layout['project']}/preannotate/",
        json={},
        timeout=30,
    )
    assert job.status_code in (200, 201, 202), job.text
    scheme = admin.get(
        f"{urls[1]}/api/v1/projects/{layout['project']}/", timeout=30
    ).json()["scheme"]
    texts = {pk: text_of(n) for n, pk in enumerate(ids)}  # ids ascend as created
    acknowledged, codes, lock = [], [], threading.Lock()
    threads = [
        threading.Thread(target=annotate, args=(
            urls, tokens[f"mp{i}"], ids[(i // 2) * (ARTICLES // 2):][: ARTICLES // 2],
            texts, scheme, acknowledged, codes, lock))
        for i in range(ANNOTATORS)
    ]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert codes.count(201) + codes.count(200) == len(codes), codes
    assert len(codes) == ARTICLES * ANNOTATORS // 2

    done = wait_for_job(admin, urls[1], job.json()["job"])
    assert done["status"] == "done", done
    # Both workers took chunks of it.
    for log in layout["logs"]:
        assert re.search(
            r"preannotate_batch\[[0-9a-f-]+\] succeeded",
            log.read_text(errors="replace"),
        ), log
    per_article = json.loads(
        layout["processes"]
        .manage("shell", "-c", CHECK.format(project=layout["project"]))
        .splitlines()[-1]
    )
    assert per_article == {str(pk): 1 for pk in ids}

    stored = []
    url = f"{urls[1]}/api/v1/projects/{layout['project']}/annotations/?status=submitted"
    while url:
        page = admin.get(url, timeout=30).json()
        stored += [(a["article"], a["annotator"]) for a in page["results"]]
        url = page.get("next")
    assert sorted(stored) == sorted(acknowledged)
    assert len(set(stored)) == len(stored) == ARTICLES * ANNOTATORS // 2

    # One token, both processes: the shared cache counts RATE requests, not 2 × RATE.
    throttled = session(tokens["mp-throttled"])
    answers = [
        throttled.get(f"{urls[n % 2]}/api/v1/projects/", timeout=10).status_code
        for n in range(RATE + 1)
    ]
    assert answers[:RATE] == [200] * RATE
    assert answers[RATE] == 429
    assert time.monotonic() - started < 90
