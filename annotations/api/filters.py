"""django-filter FilterSets of the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from annotations.choices import AnnotationStatus
from annotations.models import Annotation
from annotations.selectors.annotators import annotator_pseudonym
from newsroom.ids import DB_INT_MAX


class IdFilter(django_filters.NumberFilter):
    """A whole number the database can store; anything else is a 400, never a 500."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", DB_INT_MAX)
        super().__init__(*args, **kwargs)


class CommaMultipleChoiceField(forms.MultipleChoiceField):
    """Choices repeated (``?status=a&status=b``) or comma-separated (``?status=a,b``)."""

    def to_python(self, value):
        return [
            part.strip()
            for item in super().to_python(value)
            for part in item.split(",")
            if part.strip()
        ]


class CommaMultipleChoiceFilter(django_filters.MultipleChoiceFilter):
    field_class = CommaMultipleChoiceField


class AnnotationFilter(django_filters.FilterSet):
    """``status`` (repeat or comma-separate), ``annotator``, ``article``, ``updated_after``.

    ``annotator`` is a username for callers who may see names, else the pseudonym
    they were shown; a value that matches nobody gives an empty list.
    """

    status = CommaMultipleChoiceFilter(
        choices=AnnotationStatus.choices, help_text="draft, submitted or skipped"
    )
    annotator = django_filters.CharFilter(
        method="filter_annotator",
        help_text="Username, or the pseudonym for callers who do not see names.",
    )
    article = IdFilter(field_name="article_id")
    updated_after = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gt",
        help_text="ISO 8601; only annotations changed strictly after this moment.",
    )

    class Meta:
        model = Annotation
        fields = ["status", "annotator", "article", "updated_after"]

    def filter_annotator(self, queryset, name, value):
        view = self.request.parser_context["view"]
        project = view.project
        if view.names_visible:
            return queryset.filter(annotator__username=value)
        user_ids = queryset.values_list("annotator_id", flat=True).distinct()
        matches = [
            uid
            for uid in user_ids
            if annotator_pseudonym(project_id=project.pk, user_id=uid) == value
        ]
        return queryset.filter(Q(annotator_id__in=matches))
