"""Stress the embedded broker: many producers publish while consumers drain.

Counts what a broker must never do — lose, duplicate or corrupt a message — and
the throughput, for kombu's stock ``filesystem://`` transport and for ours
(``newsroom-fs://``, newsroom/broker.py)::

    python -m bench.broker_stress                       # both, 8 producers x 500
    python -m bench.broker_stress --transport newsroom-fs --producers 16 --messages 1000

A consumer that meets a message it cannot read counts it as ``corrupt`` and goes
on (a Celery worker stops on the first one: that was issue 17).
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from pathlib import Path
from queue import Empty

QUEUE = "stress"


def transport_options(transport: str, folder: Path) -> dict:
    if transport == "filesystem":
        for name in ("queue", "control", "processed"):
            (folder / name).mkdir(parents=True, exist_ok=True)
        return {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "control_folder": str(folder / "control"),
            "processed_folder": str(folder / "processed"),
            "polling_interval": 0.01,
        }
    return {"folder": str(folder), "polling_interval": 0.01}


def connection(transport: str, folder: Path):
    import kombu

    from newsroom import broker

    broker.register()
    return kombu.Connection(
        f"{transport}://", transport_options=transport_options(transport, folder)
    )


def produce(transport, folder, producer, count, pad, rate, go):
    """Publish ``count`` messages, ``rate`` per second (0: as fast as possible)."""
    import kombu

    queue = kombu.Queue(QUEUE, routing_key=QUEUE)
    with connection(transport, folder) as conn:
        publish = conn.Producer(serializer="json").publish
        go.wait()
        started = time.monotonic()
        for seq in range(count):
            body = {"producer": producer, "seq": seq, "pad": "x" * pad}
            publish(body, exchange=queue.exchange, routing_key=QUEUE, declare=[queue])
            if rate:
                time.sleep(max(0.0, started + (seq + 1) / rate - time.monotonic()))


def consume(transport: str, folder: Path, results, stop, idle_seconds: float):
    """Drain until ``stop`` is set and nothing arrived for ``idle_seconds``."""
    import kombu

    received, corrupt = [], 0
    first = last = None
    queue = kombu.Queue(QUEUE, routing_key=QUEUE)

    def on_message(body, message):
        nonlocal first, last
        received.append((body["producer"], body["seq"]))
        first = first or time.monotonic()
        last = time.monotonic()
        message.ack()

    with (
        connection(transport, folder) as conn,
        conn.Consumer([queue], callbacks=[on_message], accept=["json"]),
    ):
        quiet_since = time.monotonic()
        while not (stop.is_set() and time.monotonic() - quiet_since > idle_seconds):
            before = len(received)
            try:
                conn.drain_events(timeout=0.2)
            except (TimeoutError, Empty):
                pass
            except Exception:  # what would have killed a worker
                corrupt += 1
            if len(received) != before:
                quiet_since = time.monotonic()
    results.put((received, corrupt, first, last))


def run(transport, producers, messages, consumers, pad, rate):
    folder = Path(tempfile.mkdtemp(prefix=f"stress-{transport}-"))
    ctx = multiprocessing.get_context("spawn")
    results, stop, go = ctx.Queue(), ctx.Event(), ctx.Event()
    consumer_procs = [
        ctx.Process(target=consume, args=(transport, folder, results, stop, 2.0))
        for _ in range(consumers)
    ]
    for proc in consumer_procs:
        proc.start()
    producer_procs = [
        ctx.Process(
            target=produce, args=(transport, folder, p, messages, pad, rate, go)
        )
        for p in range(producers)
    ]
    for proc in producer_procs:
        proc.start()
    time.sleep(3.0)  # every process imported kombu and connected
    go.set()
    started = time.monotonic()
    for proc in producer_procs:
        proc.join()
    publish_seconds = time.monotonic() - started
    stop.set()
    received, corrupt, lasts = [], 0, []
    for _ in consumer_procs:
        got, bad, _first, last = results.get()
        received += got
        corrupt += bad
        if last:
            lasts.append(last)
    for proc in consumer_procs:
        proc.join()
    sent = producers * messages
    unique = set(received)
    dead = (
        len(list((folder / "dead").glob("*.msg"))) if transport != "filesystem" else 0
    )
    drained = (max(lasts) - started) if lasts else float("nan")
    return {
        "transport": transport,
        "sent": sent,
        "received": len(received),
        "lost": sent - len(unique),
        "duplicated": len(received) - len(unique),
        "corrupt": corrupt,
        "dead_lettered": dead,
        "publish_per_s": sent / publish_seconds,
        "end_to_end_per_s": len(unique) / drained,
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--transport", choices=["filesystem", "newsroom-fs"], action="append"
    )
    parser.add_argument("--producers", type=int, default=8)
    parser.add_argument("--messages", type=int, default=500, help="per producer")
    parser.add_argument("--consumers", type=int, default=1)
    parser.add_argument("--pad", type=int, default=2000, help="bytes of payload")
    parser.add_argument(
        "--rate",
        type=float,
        default=25,
        help="messages/s per producer (0: flat out); paced, the queue stays short "
        "and consumers poll right behind the producers, where the race was",
    )
    args = parser.parse_args(argv)
    header = (
        "transport", "sent", "received", "lost", "duplicated", "corrupt",
        "dead_lettered", "publish_per_s", "end_to_end_per_s",
    )  # fmt: skip
    print(" | ".join(header))
    for transport in args.transport or ["filesystem", "newsroom-fs"]:
        row = run(
            transport,
            args.producers,
            args.messages,
            args.consumers,
            args.pad,
            args.rate,
        )
        print(
            " | ".join(
                f"{row[k]:.0f}" if isinstance(row[k], float) else str(row[k])
                for k in header
            )
        )


if __name__ == "__main__":
    main()
