"""History of changes (django-simple-history), with the spans as they were.

Projects, memberships and releases get a record on every save and delete through
simple-history's signals. Annotations and gold keep their spans in another table
that their services replace in bulk *after* saving the parent row, so their
records are written by ``annotations.services.history.history_record`` once the
spans are in place (``SpanHistoricalRecords`` skips the automatic record on
save); a delete still records itself, with the spans taken just before they go.
Every record of these two carries ``spans``: a JSON snapshot of the spans after
the change (None where it was not taken).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

SPAN_FIELDS = ("start", "end", "label", "text", "attributes")
_NOT_TAKEN = object()


class SpanSnapshot(models.Model):
    """Extra field of the historical annotation and gold: their spans after the change."""

    spans = models.JSONField(null=True, blank=True)

    class Meta:
        abstract = True


def span_snapshot(
    instance: models.Model, spans: Iterable[models.Model] | None = None
) -> list[dict[str, Any]]:
    """The instance's spans (or ``spans``, e.g. prefetched) as plain dicts, sorted."""
    span_model = instance.spans.model
    fields = [*SPAN_FIELDS]
    if any(f.name == "origin" for f in span_model._meta.fields):
        fields.append("origin")
    if spans is None:  # a fresh query, never a stale prefetch cache
        spans = span_model.objects.filter(**{instance.spans.field.name: instance})
    rows = [{name: getattr(span, name) for name in fields} for span in spans]
    return sorted(rows, key=lambda row: (row["start"], row["end"], row["label"]))


class ModuleHistoricalRecords(HistoricalRecords):
    """simple-history's records, with the history model in its model's own module.

    For models in a package simple-history names the app ("annotations") as the
    history model's module, where Django's shell cannot import it.
    """

    def create_history_model(self, model, inherited):
        history_model = super().create_history_model(model, inherited)
        history_model.__module__ = model.__module__
        return history_model


class SpanHistoricalRecords(ModuleHistoricalRecords):
    """History for a parent of spans: no record on save (the service writes it)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(bases=[SpanSnapshot], **kwargs)

    def post_save(self, instance, created, using=None, **kwargs):
        """Left to ``services.history.history_record``: the spans are not written yet."""

    def pre_delete(self, instance, **kwargs):
        super().pre_delete(instance, **kwargs)
        instance._history_spans = span_snapshot(instance)


@receiver(pre_create_historical_record)
def _attach_spans(sender, instance, history_instance, **kwargs) -> None:
    """Put the spans taken before a delete on its record."""
    if isinstance(history_instance, SpanSnapshot):
        spans = instance.__dict__.get("_history_spans", _NOT_TAKEN)
        if spans is not _NOT_TAKEN:
            history_instance.spans = spans


def release_history_user(request, instance=None, **kwargs):
    """Who made a release: the request's user, or its author when a worker made it."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    return getattr(instance, "created_by", None)
