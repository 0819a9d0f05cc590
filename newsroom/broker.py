"""The embedded Celery broker: kombu's filesystem transport made safe for concurrent use.

kombu's own ``filesystem://`` transport creates a message file and then writes
into it, so a consumer polling the folder can take the file while it is still
empty and die on ``JSONDecodeError`` (issue 17). This transport, registered as
``newsroom-fs://``, keeps kombu's folder layout and fixes three things:

- **Atomic publish**: a message is written under ``incoming/`` and renamed into
  ``queue/`` (same file system, so the rename is atomic). A consumer can only
  ever see complete files.
- **Claim until ack**: a consumer renames the file into its own ``claimed/<owner>/``
  folder (a second consumer's rename fails: no duplicate delivery) and deletes it
  only on ack. The owner holds a POSIX lock on ``claimed/<owner>/owner.lock``; once
  the kernel drops that lock (the process died, even by SIGKILL) any consumer puts
  the owner's claimed messages back into ``queue/`` (at-least-once, like Redis).
- **Dead letters**: a file that does not parse into a kombu message (truncated,
  garbage, wrong shape, undecodable JSON body) or that the worker rejects without
  requeue is moved to ``dead/`` with a ``.reason`` file beside it and logged. The
  worker never sees it, so one bad file can no longer stop the worker.

Only for one machine (one shared folder); use Redis for anything shared. This
module imports no Django: ``newsroom.celery`` registers the alias.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import time
import uuid
from collections import deque
from pathlib import Path
from queue import Empty

from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads
from kombu.utils.objects import cached_property

logger = logging.getLogger("newsroom.broker")

TRANSPORT_ALIAS = "newsroom-fs"
# How often a consumer looks for claims of dead consumers (seconds).
ORPHAN_SCAN_INTERVAL = 5.0
# An unfinished write in incoming/ older than this was abandoned by a dead producer.
STALE_INCOMING_SECONDS = 3600

# Claim folders created by this process: {folder name: pid that created it}.
# After a fork the child does not hold the parent's POSIX locks, so a claim
# counts as ours only in the process that created it.
_OWN_CLAIMS: dict[str, int] = {}


class Channel(filesystem.Channel):
    """Filesystem channel with atomic publish, claim-until-ack and dead letters."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._claim_folder: Path | None = None
        self._claim_lock = None
        self._claims: dict[str, Path] = {}  # delivery tag → claimed file
        self._no_ack_queues: set[str] = set()
        self._backlog: dict[str, deque[str]] = {}  # queue → names listed, not yet tried
        self._next_orphan_scan = 0.0
        for folder in (self.queue_folder, self.incoming_folder, self.dead_folder):
            folder.mkdir(parents=True, exist_ok=True)
        self.claims_root.mkdir(parents=True, exist_ok=True)
        self.control_folder.mkdir(parents=True, exist_ok=True)

    # --- folders -------------------------------------------------------------
    @cached_property
    def root(self) -> Path:
        return Path(self.transport_options.get("folder", "broker"))

    @cached_property
    def queue_folder(self) -> Path:
        return self.root / "queue"

    @cached_property
    def incoming_folder(self) -> Path:
        return self.root / "incoming"

    @cached_property
    def claims_root(self) -> Path:
        return self.root / "claimed"

    @cached_property
    def dead_folder(self) -> Path:
        return self.root / "dead"

    @property
    def control_folder(self) -> Path:
        return self.root / "control"

    @cached_property
    def data_folder_in(self) -> str:  # used by kombu's _purge and _size
        return str(self.queue_folder)

    @cached_property
    def data_folder_out(self) -> str:
        return str(self.queue_folder)

    # --- publish -------------------------------------------------------------
    def _put(self, queue, payload, **kwargs):
        """Write the message aside, then rename it into the queue in one step."""
        name = f"{time.time_ns():020d}_{uuid.uuid4().hex}.{queue}.msg"
        partial = self.incoming_folder / name
        try:
            with open(partial, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
            os.rename(partial, self.queue_folder / name)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise filesystem.ChannelError(f"Cannot queue message {name}") from exc

    # --- consume -------------------------------------------------------------
    def basic_consume(self, queue, no_ack, *args, **kwargs):
        if no_ack:  # nobody will ack these: do not keep a claim
            self._no_ack_queues.add(queue)
        return super().basic_consume(queue, no_ack, *args, **kwargs)

    def basic_get(self, queue, no_ack=False, **kwargs):
        if no_ack:
            self._no_ack_queues.add(queue)
        return super().basic_get(queue, no_ack=no_ack, **kwargs)

    def _get(self, queue):
        """Claim the oldest message of ``queue``; dead-letter files that are not messages."""
        self._recover_orphans_now_and_then()
        backlog = self._backlog.get(queue)
        if not backlog:
            # One listing serves many gets: re-listing a long queue for every
            # message made draining it quadratic.
            suffix = f"{queue}.msg"
            backlog = self._backlog[queue] = deque(
                sorted(
                    name
                    for name in os.listdir(self.queue_folder)
                    if name.partition(".")[2] == suffix
                )
            )
        while backlog:
            name = backlog.popleft()
            claimed = self._own_claim_folder() / name
            try:
                os.rename(self.queue_folder / name, claimed)
            except FileNotFoundError:
                continue  # another consumer claimed it first
            message = self._read_message(claimed)
            if message is None:
                continue
            if queue in self._no_ack_queues:
                claimed.unlink(missing_ok=True)
            else:
                self._claims[message["properties"]["delivery_tag"]] = claimed
            return message
        raise Empty()

    def _read_message(self, claimed: Path) -> dict | None:
        """The parsed message, or None after moving a bad file to ``dead/``."""
        try:
            message = loads(bytes_to_str(claimed.read_bytes()))
            self.Message(message, channel=self)  # the shape kombu will need
            if message.get("content-type") == "application/json":
                json.loads(self.decode_body(message["body"], _body_encoding(message)))
        except Exception as exc:  # anything unreadable is a dead letter
            self._dead_letter(claimed, f"unreadable message: {exc!r}")
            return None
        return message

    # --- acknowledgement -------------------------------------------------------
    def basic_ack(self, delivery_tag, multiple=False):
        super().basic_ack(delivery_tag, multiple=multiple)
        claimed = self._claims.pop(delivery_tag, None)
        if claimed is not None:
            claimed.unlink(missing_ok=True)

    def basic_reject(self, delivery_tag, requeue=False):
        super().basic_reject(delivery_tag, requeue=requeue)
        claimed = self._claims.pop(delivery_tag, None)
        if claimed is not None and not requeue:
            self._dead_letter(claimed, "rejected by the consumer without requeue")

    def _restore(self, message):
        """Requeue (reject with requeue, shutdown with unacked messages): drop our claim."""
        super()._restore(message)
        claimed = self._claims.pop(message.delivery_tag, None)
        if claimed is not None:
            claimed.unlink(missing_ok=True)

    def _dead_letter(self, path: Path, reason: str) -> None:
        target = self.dead_folder / path.name
        try:
            os.rename(path, target)
            target.with_name(target.name + ".reason").write_text(reason + "\n")
        except OSError:
            logger.exception("Could not move %s to %s", path, self.dead_folder)
            return
        logger.error("Dead-lettered broker message %s: %s", target, reason)

    # --- claims of this consumer and of dead ones ----------------------------------
    def _own_claim_folder(self) -> Path:
        if (
            self._claim_folder is None
            or _OWN_CLAIMS.get(self._claim_folder.name) != os.getpid()
        ):
            # Built and locked aside, then renamed in: a scan for orphans never
            # sees a claim folder whose lock is not held yet.
            name = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
            building = self.incoming_folder / name
            building.mkdir()
            self._claim_lock = open(building / "owner.lock", "wb")  # noqa: SIM115
            fcntl.lockf(self._claim_lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            _OWN_CLAIMS[name] = os.getpid()
            self._claim_folder = self.claims_root / name
            os.rename(building, self._claim_folder)
        return self._claim_folder

    def _recover_orphans_now_and_then(self) -> None:
        now = time.monotonic()
        if now >= self._next_orphan_scan:
            self._next_orphan_scan = now + ORPHAN_SCAN_INTERVAL
            recover_orphans(self.root)

    def close(self):
        super().close()  # restores unacked messages through _restore
        if self._claim_folder is not None and self._claim_lock is not None:
            _release_claim_folder(self.root, self._claim_folder, self._claim_lock)
            _OWN_CLAIMS.pop(self._claim_folder.name, None)
            self._claim_folder = self._claim_lock = None

    # --- exchange tables (fanout, pidbox) -----------------------------------------
    def get_table(self, exchange):
        """Read without a lock: writers replace the file by an atomic rename."""
        try:
            table = loads(bytes_to_str(self._exchange_file(exchange).read_bytes()))
        except FileNotFoundError:
            return []
        return [filesystem.exchange_queue_t(*row) for row in table]

    def _queue_bind(self, exchange, routing_key, pattern, queue):
        row = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        self._update_table(exchange, lambda rows: rows if row in rows else [row, *rows])

    def _delete(self, queue, exchange, routing_key, pattern, *args, **kwargs):
        super(filesystem.Channel, self)._delete(
            queue, exchange, routing_key, pattern, *args, **kwargs
        )
        row = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        self._update_table(exchange, lambda rows: [r for r in rows if r != row])

    def _update_table(self, exchange, change) -> None:
        """Read-modify-replace an exchange table under the control folder's lock."""
        file = self._exchange_file(exchange)
        with open(self.control_folder / ".lock", "wb") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            rows = self.get_table(exchange)
            new_rows = change(rows)
            if new_rows != rows:
                partial = self.incoming_folder / f"{uuid.uuid4().hex}.exchange"
                partial.write_bytes(str_to_bytes(dumps(new_rows)))
                os.rename(partial, file)


def _body_encoding(message: dict) -> str | None:
    return message["properties"].get("body_encoding")


def _release_claim_folder(root: Path, folder: Path, lock) -> None:
    """Put what is still claimed back into the queue, then remove the folder."""
    _requeue_claims(root, folder)
    (folder / "owner.lock").unlink(missing_ok=True)
    lock.close()
    try:
        folder.rmdir()
    except OSError:
        logger.warning("Claim folder %s not empty; left in place", folder)


def _requeue_claims(root: Path, folder: Path) -> int:
    count = 0
    for path in folder.glob("*.msg"):
        try:
            os.rename(path, root / "queue" / path.name)
            count += 1
        except FileNotFoundError:
            continue
    return count


def recover_orphans(root: Path) -> int:
    """Requeue the claims of consumers that died; returns how many messages came back.

    A claim folder is orphaned when its ``owner.lock`` can be locked: the kernel
    releases a POSIX lock when its process ends, however it ends.
    """
    claims_root = root / "claimed"
    recovered = 0
    for folder in claims_root.iterdir() if claims_root.exists() else ():
        if _OWN_CLAIMS.get(folder.name) == os.getpid() or not folder.is_dir():
            continue
        try:
            lock = open(folder / "owner.lock", "ab")  # noqa: SIM115
        except FileNotFoundError:
            continue  # being created or released right now
        try:
            fcntl.lockf(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            continue  # its owner is alive
        count = _requeue_claims(root, folder)
        _release_claim_folder(root, folder, lock)
        if count:
            logger.warning(
                "Requeued %d message(s) claimed by a dead consumer (%s)",
                count,
                folder.name,
            )
        recovered += count
    _remove_stale_incoming(root / "incoming")
    return recovered


def _remove_stale_incoming(folder: Path) -> None:
    cutoff = time.time() - STALE_INCOMING_SECONDS
    for path in folder.iterdir() if folder.exists() else ():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue


class Transport(filesystem.Transport):
    """``newsroom-fs://``: see the module docstring."""

    Channel = Channel
    driver_type = "filesystem"
    driver_name = TRANSPORT_ALIAS

    @property
    def default_connection_params(self):
        """No host: a folder needs none (and kombu stops warning about it)."""
        return {"port": self.default_port}


def register() -> None:
    """Make ``newsroom-fs://`` known to kombu (idempotent)."""
    TRANSPORT_ALIASES[TRANSPORT_ALIAS] = "newsroom.broker:Transport"
