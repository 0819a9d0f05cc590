"""Reading the history of a project or an article: who changed what, before and after.

Admins and reviewers only: everyone else (annotators, ML engineers, outsiders)
gets Http404, as for any object they may not see. Records come from the
django-simple-history tables of projects, memberships, releases, annotations
and gold; ``annotations.changes`` (pure) compares each with the previous record
of the same object. Used by ``annotations.views.history``.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from itertools import islice

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404

from annotations import permissions
from annotations.changes import HistoryEntry, PlainRecord, history_entry
from annotations.models import (
    Annotation,
    Article,
    GoldAnnotation,
    Membership,
    Project,
    Release,
)
from annotations.selectors.access import User, project_get_for_user

KINDS = {
    "project": Project,
    "membership": Membership,
    "release": Release,
    "annotation": Annotation,
    "gold": GoldAnnotation,
}
ARTICLE_KINDS = ("annotation", "gold")


def history_project_get(*, user: User, slug: str) -> Project:
    """The project if ``user`` may read its history (admin or reviewer), else Http404."""
    project = project_get_for_user(user=user, slug=slug)
    if not permissions.can_review(project.user_role):
        raise Http404("No such project.")
    return project


def history_article_get(*, project: Project, article_id: int) -> Article:
    article = Article.objects.filter(project=project, pk=article_id).first()
    if article is None:
        raise Http404("No such article.")
    return article


def _records(project: Project, article_id: int | None) -> dict[str, QuerySet]:
    def table(kind: str) -> QuerySet:
        return KINDS[kind].history.model.objects.all()

    if article_id is not None:
        return {
            kind: table(kind).filter(article_id=article_id) for kind in ARTICLE_KINDS
        }
    return {
        "project": table("project").filter(id=project.pk),
        "membership": table("membership").filter(project_id=project.pk),
        "release": table("release").filter(project_id=project.pk),
        "annotation": table("annotation").filter(article__project_id=project.pk),
        "gold": table("gold").filter(article__project_id=project.pk),
    }


def _plain(kind: str, record) -> PlainRecord:
    return PlainRecord(
        kind=kind,
        object_id=record.id,
        history_id=record.history_id,
        at=record.history_date,
        action=record.history_type,
        user_id=record.history_user_id,
        reason=record.history_change_reason or "",
        fields={f.attname: getattr(record, f.attname) for f in record.tracked_fields},
        spans=getattr(record, "spans", None),
    )


def _stream(querysets: dict[str, QuerySet], *, newest_first: bool) -> Iterator:
    """Records of every kind as (kind, record), merged by time."""
    order = (
        ("-history_date", "-history_id")
        if newest_first
        else ("history_date", "history_id")
    )

    def rows(kind: str, queryset: QuerySet) -> Iterator:
        for record in queryset.order_by(*order).iterator(chunk_size=500):
            yield (record.history_date, record.history_id), kind, record

    streams = [rows(kind, qs) for kind, qs in querysets.items()]
    for _key, kind, record in heapq.merge(
        *streams, key=lambda item: item[0], reverse=newest_first
    ):
        yield kind, record


def _user_names() -> dict[int, str]:
    return dict(get_user_model().objects.values_list("pk", "username"))


def history_stream(
    *, project: Project, article_id: int | None = None
) -> Iterator[HistoryEntry]:
    """Every change, oldest first, each with what it changed (for the export)."""
    names = _user_names()
    last: dict[tuple[str, int], PlainRecord] = {}
    for kind, record in _stream(_records(project, article_id), newest_first=False):
        plain = _plain(kind, record)
        key = (kind, plain.object_id)
        yield history_entry(plain, last.get(key), names)
        last[key] = plain


def _previous(kind: str, record) -> PlainRecord | None:
    earlier = (
        type(record)
        .objects.filter(id=record.id)
        .filter(
            Q(history_date__lt=record.history_date)
            | Q(history_date=record.history_date, history_id__lt=record.history_id)
        )
        .order_by("-history_date", "-history_id")
        .first()
    )
    return _plain(kind, earlier) if earlier is not None else None


class HistoryPage:
    """Newest-first changes of a project or article, sliceable for Django's Paginator."""

    def __init__(self, *, project: Project, article_id: int | None = None) -> None:
        self._querysets = _records(project, article_id)
        self._names: dict[int, str] | None = None

    def count(self) -> int:
        return sum(qs.count() for qs in self._querysets.values())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[HistoryEntry]:
        if not isinstance(index, slice):
            raise TypeError("HistoryPage takes slices only.")
        if self._names is None:
            self._names = _user_names()
        rows = islice(
            _stream(self._querysets, newest_first=True), index.start, index.stop
        )
        return [
            history_entry(_plain(kind, record), _previous(kind, record), self._names)
            for kind, record in rows
        ]


def history_page(*, project: Project, article_id: int | None = None) -> HistoryPage:
    """The changes to show on the history page (paginate it)."""
    return HistoryPage(project=project, article_id=article_id)
