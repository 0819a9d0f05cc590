"""Importing plain article items: validation, deduplication and the bulk write.

Imported by the importers package (every file and API import ends here), the demo
loader and the import doors; imports the models and, lazily, the pre-annotation
service (so that pages which only list articles do not load spaCy). All or
nothing: invalid items raise ``ArticleImportError`` before anything is written, an
``external_id`` that comes back with another text raises ``ImportConflictError``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction

from annotations.models import Article, Job, Project
from annotations.models.article import text_sha256
from annotations.validation import (
    MAX_EXTERNAL_ID,
    MAX_LANGUAGE,
    MAX_TITLE,
    flat_errors,
    json_problems,
    text_problem,
)

from .article_rows import article_rows_insert

logger = logging.getLogger(__name__)

# Articles written per transaction: a few tens of ms of SQLite's write lock each
# on a quiet machine (docs/benchmarks.md, "Write locks").
COMMIT_BATCH = 250


class ArticleImportError(ValueError):
    """Some items are invalid; ``errors`` is ``[{"index": i, "errors": {field: [msg]}}]``.

    Nothing is written when this is raised.
    """

    def __init__(self, errors: list[dict[str, Any]]):
        self.errors = errors
        super().__init__(f"{len(errors)} invalid item(s); nothing was imported.")


class ImportConflictError(ArticleImportError):
    """Items collide with what is stored (HTTP 409); nothing is written.

    ``conflicts`` is ``[{"index", "reason", ...}]`` (the importers add ``line``,
    ``annotator``, ``article``, ``external_id``); ``errors`` says the same per item,
    so callers that only know ``ArticleImportError`` still show every problem.
    """

    def __init__(self, conflicts: list[dict[str, Any]]):
        self.conflicts = sorted(conflicts, key=lambda c: c["index"])
        super().__init__(
            [
                {"index": c["index"], "errors": {"conflict": [c["reason"]]}}
                for c in self.conflicts
            ]
        )
        self.args = (
            f"{len(self.conflicts)} conflict(s) with what is stored or repeated in "
            "the file; nothing was imported.",
        )


@dataclass
class ImportResult:
    created_ids: list[int] = field(default_factory=list)
    existing: int = 0
    preannotation_job: Job | None = None
    preannotation_error: str = ""

    @property
    def created_count(self) -> int:
        return len(self.created_ids)


def _clean_item(raw: Any, *, default_language: str) -> tuple[dict, dict]:
    """The item's fields, and what is wrong with them (``{field: [message]}``).

    The text rules are ``annotations.validation``'s (no NUL, no lone
    surrogate, the column limits), as at every other door.
    """
    errors: dict[str, list[str]] = {}
    if not isinstance(raw, dict):
        return {}, {"non_field_errors": ["Each item must be an object."]}
    text = raw.get("text")
    if not isinstance(text, str):
        # Empty text is allowed: such an article is kept and pre-annotation
        # marks it with a reason instead of losing it.
        errors["text"] = ["This field is required and must be a string."]
    elif problem := text_problem(text):
        errors["text"] = [problem]
    title = raw.get("title", "")
    if title is None:
        title = ""
    if not isinstance(title, str) or len(title) > MAX_TITLE:
        errors["title"] = [f"Must be a string of at most {MAX_TITLE} characters."]
    elif problem := text_problem(title):
        errors["title"] = [problem]
    language = raw.get("language") or default_language
    if not isinstance(language, str) or len(language) > MAX_LANGUAGE:
        errors["language"] = ["Must be a language code such as de or en."]
    elif problem := text_problem(language):
        errors["language"] = [problem]
    external_id = raw.get("external_id")
    if external_id is not None:
        if isinstance(external_id, int) and not isinstance(external_id, bool):
            external_id = str(external_id)
        if (
            not isinstance(external_id, str)
            or not external_id
            or (len(external_id) > MAX_EXTERNAL_ID)
        ):
            errors["external_id"] = [
                f"Must be a non-empty string of at most {MAX_EXTERNAL_ID} characters."
            ]
        elif problem := text_problem(external_id):
            errors["external_id"] = [problem]
    meta = raw.get("meta") or {}
    if not isinstance(meta, dict):
        errors["meta"] = ["Must be an object."]
    elif problems := json_problems(meta):
        errors["meta"] = flat_errors(problems)
    unknown = set(raw) - {"title", "text", "language", "external_id", "meta"}
    if unknown:
        errors["non_field_errors"] = [
            f"Unknown field(s): {', '.join(sorted(unknown))}."
        ]
    clean = {
        "title": title,
        "text": text,
        "language": language,
        "external_id": external_id,
        "meta": meta,
    }
    return clean, errors


def articles_import(
    *,
    project: Project,
    items: Iterable[Any],
    on_created: Callable[[list[int]], None] | None = None,
    preannotate: bool = True,
    created_by=None,
) -> ImportResult:
    """Import articles; idempotent on ``external_id``; nothing written when any item is bad.

    Items that carry an ``external_id`` already in the project are counted as
    existing and left untouched (their text may be annotated); one that comes
    with another text than the stored one (or than an earlier item of the same
    import) raises ``ImportConflictError``. Items without one are deduplicated
    by the hash of their text. Every check runs before the first write and
    takes no write lock; the new articles are then written in transactions of
    at most ``NEWSROOM_IMPORT_COMMIT_BATCH`` (SQLite has one write lock, and
    annotators' saves wait on it). Inside a caller's transaction they are part
    of it (all or nothing). After the last batch the new articles are queued
    for pre-annotation, one job (``preannotate=False`` skips that; a process killed just before it leaves them to the project's
    "pre-annotate" action, which picks every article without a prediction); a
    project whose pipeline is unusable still imports, and ``preannotation_error``
    says why nothing was queued. ``on_created`` runs after that commit with the
    new ids.
    """
    cleaned: list[dict] = []
    errors: list[dict[str, Any]] = []
    for index, raw in enumerate(items):
        clean, item_errors = _clean_item(raw, default_language=project.language)
        if item_errors:
            errors.append({"index": index, "errors": item_errors})
        cleaned.append(clean)
    if errors:
        raise ArticleImportError(errors)
    result = ImportResult()
    new_rows = _new_rows(project, cleaned, result)
    size = commit_batch_size()
    batches = [new_rows[i : i + size] for i in range(0, len(new_rows), size)]
    recheck = not transaction.get_connection().in_atomic_block
    for batch in batches:
        with transaction.atomic():
            fresh = _still_new(project, batch) if recheck else batch
            result.existing += len(batch) - len(fresh)
            result.created_ids += article_rows_insert(project, fresh)
    if result.created_ids:  # its reads hold no lock; its one write is short
        _after_last_batch(project, result, preannotate, on_created, created_by)
    return result


def commit_batch_size() -> int:
    return int(getattr(settings, "NEWSROOM_IMPORT_COMMIT_BATCH", COMMIT_BATCH))


def _new_rows(project: Project, cleaned: list[dict], result: ImportResult) -> list:
    """The items not stored yet (deduplicated), as rows; counts the others as existing."""
    external_ids = {c["external_id"] for c in cleaned if c["external_id"]}
    hashes = {text_sha256(c["text"]) for c in cleaned if not c["external_id"]}
    stored = dict(
        Article.objects.filter(
            project=project, external_id__in=external_ids
        ).values_list("external_id", "content_hash")
    )
    _check_external_id_texts(cleaned, stored)
    known_ids = set(stored)
    known_hashes = set(
        Article.objects.filter(
            project=project, external_id__isnull=True, content_hash__in=hashes
        ).values_list("content_hash", flat=True)
    )
    rows = []
    for clean in cleaned:
        digest = text_sha256(clean["text"])
        key_seen = (
            clean["external_id"] in known_ids
            if clean["external_id"]
            else digest in known_hashes
        )
        if key_seen:
            result.existing += 1
            continue
        if clean["external_id"]:
            known_ids.add(clean["external_id"])
        else:
            known_hashes.add(digest)
        rows.append({**clean, "content_hash": digest})
    return rows


def _still_new(project: Project, rows: list[dict]) -> list[dict]:
    """``rows`` less those another import stored since they were checked."""
    taken_ids = set(
        Article.objects.filter(
            project=project,
            external_id__in=[r["external_id"] for r in rows if r["external_id"]],
        ).values_list("external_id", flat=True)
    )
    taken_hashes = set(
        Article.objects.filter(
            project=project,
            external_id__isnull=True,
            content_hash__in=[r["content_hash"] for r in rows if not r["external_id"]],
        ).values_list("content_hash", flat=True)
    )
    return [
        r
        for r in rows
        if not (
            r["external_id"] in taken_ids
            if r["external_id"]
            else r["content_hash"] in taken_hashes
        )
    ]


def _after_last_batch(project, result, preannotate, on_created, created_by) -> None:
    if preannotate:
        _schedule_preannotation(project, result, created_by)
    if on_created is not None:
        created_ids = list(result.created_ids)
        transaction.on_commit(lambda: on_created(created_ids))


def _check_external_id_texts(cleaned: list[dict], stored: dict[str, str]) -> None:
    """ImportConflictError for an external_id whose text differs from the stored
    article's or from an earlier item's of the same import."""
    conflicts: list[dict[str, Any]] = []
    first_seen: dict[str, tuple[int, str]] = {}
    for index, clean in enumerate(cleaned):
        external_id = clean["external_id"]
        if not external_id:
            continue
        digest = text_sha256(clean["text"])
        if external_id in stored and stored[external_id] != digest:
            reason = (
                f"external_id {external_id!r} is stored with another text; an "
                "article's text never changes on import (give this text its own "
                "external_id)."
            )
        elif external_id in first_seen and first_seen[external_id][1] != digest:
            reason = (
                f"external_id {external_id!r} came with another text in item "
                f"{first_seen[external_id][0]} of this import."
            )
        else:
            first_seen.setdefault(external_id, (index, digest))
            continue
        conflicts.append({"index": index, "external_id": external_id, "reason": reason})
    if conflicts:
        raise ImportConflictError(conflicts)


def _schedule_preannotation(project: Project, result: ImportResult, created_by) -> None:
    # Imported lazily: the pipeline registry imports spaCy, which pages that
    # merely list articles should not pay for.
    from django.core.exceptions import ValidationError

    from annotations.services.preannotation import preannotation_schedule

    try:
        result.preannotation_job = preannotation_schedule(
            project=project,
            article_ids=result.created_ids,
            created_by=created_by,
        )
    except ValidationError as error:
        result.preannotation_error = " ".join(error.messages)
        logger.warning("Import into %s not pre-annotated: %s", project.slug, error)
