"""The export and release forms of the export page: parse the request, nothing more.

Imported by ``views.exports`` only. The choices come from
``selectors.export_page.ExportOptions`` (the exporter registry, the sources the
caller's role may export, the scheme's labels); whether a status fits the source
or the rows fit the format is still checked by the export service, whose
refusals ``add_service_errors`` puts next to the fields they name.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from annotations.selectors.export_page import ExportOptions
from annotations.selectors.exports import ExportFilters

EXPORT_MODES = (
    ("auto", _("Download now; large exports become a background job")),
    ("stream", _("Download now")),
    ("job", _("Prepare as a background job")),
)
RELEASE_NOTE_MAX = 2000
GUIDELINE_VERSION_MAX = 2**31 - 1  # the column's range: no overflow in the query


class ExportForm(forms.Form):
    """``GET /projects/<slug>/exports/download/``: format, source, filters, mode."""

    format = forms.ChoiceField(label=_("Format"))
    source = forms.ChoiceField(label=_("Source"))
    status = forms.MultipleChoiceField(label=_("Status"), required=False)
    guideline_version = forms.IntegerField(
        label=_("Guideline version at most"),
        required=False,
        min_value=1,
        max_value=GUIDELINE_VERSION_MAX,
    )
    labels = forms.MultipleChoiceField(label=_("Span labels"), required=False)
    updated_since = forms.DateTimeField(label=_("Changed since"), required=False)
    mode = forms.ChoiceField(label=_("How"), choices=EXPORT_MODES, required=False)

    def __init__(self, *args, options: ExportOptions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.options = options
        self.fields["format"].choices = [(name, name) for name in options.formats]
        self.fields["source"].choices = [(name, name) for name in options.sources]
        every_status = dict.fromkeys(
            status for source in options.sources for status in options.statuses[source]
        )
        self.fields["status"].choices = [(value, value) for value in every_status]
        self.fields["labels"].choices = [(key, key) for key in options.labels]

    @property
    def export_mode(self) -> str:
        return self.cleaned_data.get("mode") or "auto"

    def filters(self) -> ExportFilters:
        """The export filters of a valid form."""
        data = self.cleaned_data
        return ExportFilters(
            source=data["source"],
            statuses=tuple(data["status"]),
            guideline_version=data["guideline_version"],
            labels=tuple(data["labels"]),
            updated_since=data["updated_since"],
        )

    def add_service_errors(self, error: ValidationError) -> None:
        """A refusal of the export service, shown next to the field it names."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            field = key if key in self.fields else None
            for message in messages:
                self.add_error(field, message)


class ReleaseForm(forms.Form):
    """``POST /projects/<slug>/exports/releases/``: a note and whether to queue it."""

    note = forms.CharField(
        label=_("Note"), required=False, max_length=RELEASE_NOTE_MAX, strip=True
    )
    as_job = forms.BooleanField(label=_("Cut as a background job"), required=False)

    @property
    def release_mode(self) -> str:
        return "job" if self.cleaned_data["as_job"] else "auto"
