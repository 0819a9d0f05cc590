"""The embedded broker (newsroom/broker.py) through kombu, without Celery or Django."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import kombu
import pytest

from newsroom import broker

broker.register()
ROOT = Path(__file__).resolve().parents[3]
QUEUE = kombu.Queue("work", routing_key="work")


def connect(folder: Path) -> kombu.Connection:
    return kombu.Connection(
        "newsroom-fs://",
        transport_options={"folder": str(folder), "polling_interval": 0.01},
    )


def publish(folder: Path, *bodies) -> None:
    with connect(folder) as conn:
        producer = conn.Producer(serializer="json")
        for body in bodies:
            producer.publish(
                body, exchange=QUEUE.exchange, routing_key="work", declare=[QUEUE]
            )


def drain(folder: Path, *, ack=True, reject=None, seconds=1.0) -> list:
    """Bodies received within ``seconds``; ``reject`` = "requeue" or "drop"."""
    received = []

    def on_message(body, message):
        received.append(body)
        if reject == "requeue" and len(received) == 1:
            message.requeue()
        elif reject == "drop":
            message.reject()
        elif ack:
            message.ack()

    with (
        connect(folder) as conn,
        conn.Consumer([QUEUE], callbacks=[on_message], accept=["json"]),
    ):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with contextlib.suppress(TimeoutError):
                conn.drain_events(timeout=0.05)
    return received


def queue_files(folder: Path, sub: str) -> list[str]:
    path = folder / sub
    return sorted(p.name for p in path.rglob("*.msg")) if path.exists() else []


def test_messages_arrive_in_order_and_acked_ones_are_gone(tmp_path):
    publish(tmp_path, *({"n": n} for n in range(5)))
    assert len(queue_files(tmp_path, "queue")) == 5
    assert drain(tmp_path) == [{"n": n} for n in range(5)]
    assert queue_files(tmp_path, "queue") == []
    assert queue_files(tmp_path, "claimed") == []
    assert queue_files(tmp_path, "incoming") == []


def test_a_publish_is_never_visible_half_written(tmp_path, monkeypatch):
    """The queue folder only ever receives a file by rename, after the write."""
    seen = []
    real_rename = os.rename

    def checking_rename(src, dst):
        if Path(dst).parent == tmp_path / "queue" and Path(src).suffix == ".msg":
            seen.append(json.loads(Path(src).read_bytes()))
        real_rename(src, dst)

    monkeypatch.setattr(broker.os, "rename", checking_rename)
    publish(tmp_path, {"n": 1}, {"n": 2})
    assert [json.loads(_body(m)) for m in seen] == [{"n": 1}, {"n": 2}]


def _body(message: dict) -> bytes:
    import base64

    return base64.b64decode(message["body"])


@pytest.mark.parametrize(
    "garbage",
    [
        b"",  # created, not yet written (the crash of issue 17)
        b'{"body": "eyJu',  # truncated
        b"\x00\xff not json",
        b"[1, 2, 3]",  # JSON, not a message
        b'{"body": "x", "properties": {}}',  # no delivery tag
    ],
)
def test_a_bad_file_is_dead_lettered_and_the_next_message_still_arrives(
    tmp_path, garbage, caplog
):
    publish(tmp_path, {"n": 1})
    (tmp_path / "queue" / "00000000000000000001_bad.work.msg").write_bytes(garbage)
    publish(tmp_path, {"n": 2})

    assert drain(tmp_path) == [{"n": 1}, {"n": 2}]
    assert queue_files(tmp_path, "dead") == ["00000000000000000001_bad.work.msg"]
    reason = tmp_path / "dead" / "00000000000000000001_bad.work.msg.reason"
    assert "unreadable message" in reason.read_text()
    assert "Dead-lettered broker message" in caplog.text


def test_a_json_message_whose_body_is_not_json_is_dead_lettered(tmp_path):
    publish(tmp_path, {"n": 1})
    [name] = queue_files(tmp_path, "queue")
    path = tmp_path / "queue" / name
    message = json.loads(path.read_bytes())
    message["body"] = "bm90IGpzb24="  # base64 of "not json"
    path.write_text(json.dumps(message))

    assert drain(tmp_path) == []
    assert queue_files(tmp_path, "dead") == [name]


def test_reject_without_requeue_dead_letters_and_requeue_delivers_again(tmp_path):
    publish(tmp_path, {"n": 1})
    assert drain(tmp_path, reject="requeue") == [{"n": 1}, {"n": 1}]
    assert queue_files(tmp_path, "queue") == []
    assert queue_files(tmp_path, "claimed") == []

    publish(tmp_path, {"n": 2})
    assert drain(tmp_path, reject="drop") == [{"n": 2}]
    assert len(queue_files(tmp_path, "dead")) == 1


def test_unacked_messages_go_back_to_the_queue_when_the_consumer_closes(tmp_path):
    publish(tmp_path, {"n": 1})
    assert drain(tmp_path, ack=False, seconds=0.3) == [{"n": 1}]
    assert queue_files(tmp_path, "claimed") == []
    assert drain(tmp_path) == [{"n": 1}]


def test_claims_of_a_consumer_killed_with_sigkill_are_delivered_again(tmp_path):
    publish(tmp_path, {"n": 1}, {"n": 2})
    script = textwrap.dedent(
        f"""
        import sys, time, kombu
        from newsroom import broker
        broker.register()
        q = kombu.Queue("work", routing_key="work")
        conn = kombu.Connection("newsroom-fs://", transport_options={{"folder": {str(tmp_path)!r}}})
        def hold(body, message):  # never acks
            print("got", body["n"], flush=True)
        with conn.Consumer([q], callbacks=[hold], accept=["json"], prefetch_count=1):
            conn.drain_events(timeout=5)
            time.sleep(60)
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "got 1"
        assert len(queue_files(tmp_path, "claimed")) == 1
        # The claim is alive: another consumer gets only the second message.
        assert drain(tmp_path, seconds=0.3) == [{"n": 2}]
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        assert drain(tmp_path, seconds=0.5) == [{"n": 1}]
        assert queue_files(tmp_path, "claimed") == []
    finally:
        child.kill()
        child.stdout.close()


def test_fanout_reaches_every_bound_queue(tmp_path):
    exchange = kombu.Exchange("broadcast", type="fanout")
    queues = [kombu.Queue(name, exchange=exchange) for name in ("one", "two")]
    with connect(tmp_path) as conn:
        for queue in queues:
            queue(conn.default_channel).declare()
        conn.Producer(serializer="json").publish({"hi": 1}, exchange=exchange)
    names = queue_files(tmp_path, "queue")
    assert sorted(n.partition(".")[2] for n in names) == ["one.msg", "two.msg"]


def test_many_producers_and_two_consumers_lose_duplicate_and_corrupt_nothing():
    """A short run of bench/broker_stress.py: paced producers, consumers right behind."""
    from bench.broker_stress import run

    row = run("newsroom-fs", producers=4, messages=60, consumers=2, pad=2000, rate=40)
    assert (row["sent"], row["lost"], row["duplicated"], row["corrupt"]) == (
        240,
        0,
        0,
        0,
    )
    assert row["dead_lettered"] == 0
