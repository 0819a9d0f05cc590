"""Writing history records of annotations and gold once their spans are in place.

Called by the services that save them (``annotation_save``, ``gold_save``, a scheme
change rewriting labels) right after the spans are replaced; see
``annotations.models.history`` for why these two are not recorded on save.
Imports models only.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from annotations.models import Annotation, GoldAnnotation
from annotations.models.history import span_snapshot

CREATED, CHANGED = "+", "~"


def _acting_user(user: AbstractBaseUser | None) -> AbstractBaseUser | None:
    """``user`` if given, else the logged-in user of the current request, else None."""
    if user is not None:
        return user
    request = getattr(HistoricalRecords.context, "request", None)
    request_user = getattr(request, "user", None)
    if request_user is not None and request_user.is_authenticated:
        return request_user
    return None  # a task or a command: shown as "system"


def _record(
    instance: models.Model,
    *,
    history_type: str,
    user: AbstractBaseUser | None,
    reason: str,
    when,
    spans: list[dict],
) -> models.Model:
    history_model = type(instance).history.model
    return history_model(
        history_date=when,
        history_type=history_type,
        history_user=user,
        history_change_reason=reason[:100] or None,
        spans=spans,
        **{
            f.attname: getattr(instance, f.attname)
            for f in history_model.tracked_fields
        },
    )


def history_record(
    instance: models.Model,
    *,
    user: AbstractBaseUser | None = None,
    reason: str = "",
) -> models.Model:
    """Record ``instance`` (an annotation or gold) as it is now, spans included.

    The first record of an object is a creation (``+``), later ones changes
    (``~``). ``user`` is who acted; None means the request's user, or "system"
    outside a request.
    """
    history_model = type(instance).history.model
    exists = history_model.objects.filter(id=instance.pk).exists()
    record = _record(
        instance,
        history_type=CHANGED if exists else CREATED,
        user=_acting_user(user),
        reason=reason,
        when=timezone.now(),
        spans=span_snapshot(instance),
    )
    record.save()
    return record


def history_record_many(
    model: type[models.Model],
    ids: Iterable[int],
    *,
    user: AbstractBaseUser | None = None,
    reason: str = "",
) -> int:
    """Record many annotations or gold rewritten in bulk (e.g. by a scheme change)."""
    ids = sorted(set(ids))
    if not ids:
        return 0
    when, actor = timezone.now(), _acting_user(user)
    rows = [
        _record(
            instance,
            history_type=CHANGED,
            user=actor,
            reason=reason,
            when=when,
            spans=span_snapshot(instance, instance.spans.all()),
        )
        for instance in model.objects.filter(pk__in=ids).prefetch_related("spans")
    ]
    model.history.model.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def history_record_scheme_change(
    annotation_ids: Iterable[int],
    gold_ids: Iterable[int],
    *,
    user: AbstractBaseUser | None,
) -> None:
    """Record the annotations and gold a scheme change rewrote (labels, answers)."""
    history_record_many(Annotation, annotation_ids, user=user, reason="scheme change")
    history_record_many(GoldAnnotation, gold_ids, user=user, reason="scheme change")
