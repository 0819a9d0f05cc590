"""Forms of the article manager: the filters and the bulk actions.

Imported by ``views.articles``; the choices come from ``ManagerOptions`` (the
selector), so a form offers only this project's annotators, labels, guideline
versions and import batches, and a forged value is a field error (400).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from annotations.choices import AnnotationStatus, GoldStatus
from annotations.selectors.article_list import (
    SORTS,
    STATUS_ASSIGNED,
    STATUS_NONE,
    ArticleFilters,
)
from annotations.selectors.article_manager import ManagerOptions

ANY = ("", _("any"))
BULK_ACTIONS = ("assign", "preannotate", "dequeue", "enqueue", "delete")
MAX_SELECTED = 500


class ArticleFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search title and text"), max_length=200, required=False
    )
    annotator = forms.ChoiceField(label=_("Annotator"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ANY,
            *AnnotationStatus.choices,
            (STATUS_ASSIGNED, _("Assigned, not started")),
            (STATUS_NONE, _("Not started")),
        ],
    )
    gold = forms.ChoiceField(
        label=_("Gold"),
        required=False,
        choices=[
            ANY,
            ("yes", _("has gold")),
            ("no", _("no gold")),
            *GoldStatus.choices,
        ],
    )
    disagreement = forms.ChoiceField(
        label=_("Disagreement"),
        required=False,
        choices=[ANY, ("yes", _("annotators disagree")), ("no", _("annotators agree"))],
    )
    label = forms.ChoiceField(label=_("Label present"), required=False)
    preannotation = forms.ChoiceField(
        label=_("Pre-annotation"),
        required=False,
        choices=[
            ANY,
            ("predicted", _("has suggestions")),
            ("skipped", _("skipped by the pipeline")),
            ("none", _("not pre-annotated")),
        ],
    )
    confidence_below = forms.FloatField(
        label=_("Confidence below"), min_value=0, max_value=1, required=False
    )
    guideline = forms.TypedChoiceField(
        label=_("Guideline version"), coerce=int, empty_value=None, required=False
    )
    batch = forms.ChoiceField(label=_("Imported batch"), required=False)
    queue = forms.ChoiceField(
        label=_("Queue"),
        required=False,
        choices=[ANY, ("in", _("in the queue")), ("out", _("removed from the queue"))],
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("id", _("import order")),
            ("-id", _("newest first")),
            ("title", _("title A–Z")),
            ("-title", _("title Z–A")),
            ("-priority", _("priority")),
        ],
    )
    after = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, options: ManagerOptions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annotator"].choices = [ANY] + [(n, n) for n in options.annotators]
        self.fields["label"].choices = [ANY] + [(k, k) for k in options.labels]
        self.fields["guideline"].choices = [ANY] + [
            (n, f"v{n}") for n in options.guideline_versions
        ]
        self.fields["batch"].choices = [ANY, *options.batches]

    def filters(self) -> ArticleFilters:
        data = self.cleaned_data
        return ArticleFilters(
            q=data["q"].strip(),
            annotator=data["annotator"],
            status=data["status"],
            gold=data["gold"],
            disagreement=data["disagreement"],
            label=data["label"],
            preannotation=data["preannotation"],
            confidence_below=data["confidence_below"],
            guideline=data["guideline"],
            batch=data["batch"],
            queue=data["queue"],
            sort=data["sort"] if data["sort"] in SORTS else "id",
            after=data["after"],
        )


class IdListField(forms.Field):
    """Article ids from the rows' check boxes (whether they are the project's is
    the service's check)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Select at least one article."),
        "invalid": _("Article ids are numbers."),
    }

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        try:
            return [int(item) for item in values]
        except (TypeError, ValueError) as error:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid"
            ) from error


class BulkActionForm(forms.Form):
    """The selected articles and what to do with them."""

    action = forms.ChoiceField(choices=[(a, a) for a in BULK_ACTIONS])
    articles = IdListField()
    annotator = forms.ChoiceField(label=_("Assign to"), required=False)
    confirm = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    back = forms.CharField(required=False, max_length=4000, widget=forms.HiddenInput)

    def __init__(self, *args, options: ManagerOptions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annotator"].choices = [("", "—")] + [
            (n, n) for n in options.annotators
        ]

    def clean_articles(self) -> list[int]:
        ids = self.cleaned_data["articles"]
        if len(ids) > MAX_SELECTED:
            raise forms.ValidationError(
                _("Select at most %(max)s articles at a time.") % {"max": MAX_SELECTED}
            )
        return ids

    def clean(self):
        data = super().clean()
        if data.get("action") == "assign" and not data.get("annotator"):
            self.add_error("annotator", _("Choose whom to assign the articles to."))
        return data

    def back_query(self) -> str:
        """The manager's query string to return to (only ``?...``, never a URL)."""
        back = (self.cleaned_data.get("back") or "").lstrip("?")
        return "?" + back if back and "//" not in back else ""
