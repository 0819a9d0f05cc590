"""The import page: ``/projects/<slug>/articles/import/`` (admins).

Three steps, each one request: upload a file or paste text (kept by
``services.article_import`` under MEDIA_ROOT, named by a token); the preview
(detected format, counts, the first rows, errors with lines, and a form that
maps each label the scheme lacks onto a scheme label or drops it); start, which
queues a Job and redirects to its page. The job page polls its own partial
(htmx) for the progress bar and ends with the report, downloadable as JSON.
The file is parsed by the importers package only (the API and CLI use it too).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from annotations.models import Project
from annotations.selectors.article_manager import (
    article_manager_project,
    import_job_get,
)
from annotations.services import article_import
from annotations.services.importers import FORMATS

DROP = "__drop__"
MAX_SOURCES = 200


def _max_bytes() -> int:
    return int(getattr(settings, "NEWSROOM_IMPORT_MAX_BYTES", 50 * 1024 * 1024))


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"), required=False)
    text = forms.CharField(
        label=gettext_lazy("…or paste the text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        required=False,
        choices=[("", gettext_lazy("detect"))] + [(f, f) for f in FORMATS],
    )
    annotator = forms.CharField(
        label=gettext_lazy("Annotator of unnamed annotations"),
        required=False,
        max_length=150,
    )

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), data.get("text") or ""
        if bool(upload) == bool(text.strip()):
            raise forms.ValidationError(_("Choose a file or paste text (one of them)."))
        if upload is not None and upload.size > _max_bytes():
            self.add_error("file", _("The file is larger than the import limit."))
        return data

    def payload(self) -> tuple[bytes, str | None]:
        upload = self.cleaned_data.get("file")
        if upload is not None:
            return upload.read(), upload.name
        return self.cleaned_data["text"].encode("utf-8"), None


class LabelMappingForm(forms.Form):
    """One choice per label the scheme lacks: a scheme label, or drop it."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    format = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)
    annotator = forms.CharField(
        widget=forms.HiddenInput, required=False, max_length=150
    )

    def __init__(self, *args, project: Project, sources: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        scheme = project.parsed_scheme
        spans = [(key, key) for key in scheme.span_label_keys]
        choices = [
            (f"{q.key}:{c}", f"{q.key}: {c}")
            for q in scheme.questions
            for c in q.choice_keys
        ]
        self.sources = sources[:MAX_SOURCES]
        for index, source in enumerate(self.sources):
            kind, _sep, label = source.partition(":")
            targets = spans if kind == "span" else choices
            self.fields[f"target_{index}"] = forms.ChoiceField(
                label=label,
                choices=[("", _("— choose —")), (DROP, _("drop it")), *targets],
            )

    def mapping(self) -> dict[str, str | None]:
        result: dict[str, str | None] = {}
        for index, source in enumerate(self.sources):
            target = self.cleaned_data[f"target_{index}"]
            result[source.partition(":")[2]] = None if target == DROP else target
        return result


def _sources(preview: article_import.ImportPreview) -> list[str]:
    return [f"span:{x}" for x in preview.unknown_spans] + [
        f"choice:{x}" for x in preview.unknown_choices
    ]


def _preview_page(request, project, preview, form, *, status=200) -> HttpResponse:
    context = {"project": project, "preview": preview, "form": form}
    return render(
        request, "annotations/articles/import_preview.html", context, status=status
    )


@require_http_methods(["GET", "POST"])
@login_required
def import_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload (GET, POST step=upload), check a mapping (step=check), start (step=start)."""
    project = article_manager_project(user=request.user, slug=slug, manage=True)
    step = request.POST.get("step", "upload")
    if request.method == "GET" or step == "upload":
        upload = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "GET" or not upload.is_valid():
            status = 400 if upload.is_bound else 200
            context = {"project": project, "form": upload}
            return render(
                request, "annotations/articles/import.html", context, status=status
            )
        data, filename = upload.payload()
        token = article_import.import_upload_store(
            project=project, user=request.user, data=data, filename=filename
        )
        fmt, annotator = upload.cleaned_data["format"], upload.cleaned_data["annotator"]
        preview = article_import.import_preview(
            project=project, data=data, filename=filename, fmt=fmt, annotator=annotator
        )
        form = LabelMappingForm(
            initial={"token": token, "format": fmt, "annotator": annotator},
            project=project,
            sources=_sources(preview),
        )
        return _preview_page(request, project, preview, form)
    return _check_or_start(request, project, step)


def _check_or_start(request: HttpRequest, project: Project, step: str) -> HttpResponse:
    sources = request.POST.getlist("source")
    form = LabelMappingForm(request.POST, project=project, sources=sources)
    token = request.POST.get("token", "")
    try:
        data, filename = article_import.import_upload_read(
            project=project, user=request.user, token=token
        )
    except ValidationError as error:
        context = {
            "project": project,
            "form": ImportUploadForm(),
            "upload_error": " ".join(error.messages),
        }
        return render(request, "annotations/articles/import.html", context, status=400)
    if not form.is_valid():
        preview = article_import.import_preview(
            project=project, data=data, filename=filename
        )
        return _preview_page(request, project, preview, form, status=400)
    options = {
        "fmt": form.cleaned_data["format"],
        "label_mapping": form.mapping(),
        "annotator": form.cleaned_data["annotator"],
    }
    if step == "start":
        try:
            job = article_import.import_job_start(
                project=project, user=request.user, token=token, **options
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            return redirect(
                "annotations:article-import-job", slug=project.slug, job_id=job.pk
            )
    preview = article_import.import_preview(
        project=project, data=data, filename=filename, **options
    )
    status = 400 if form.errors else 200
    return _preview_page(request, project, preview, form, status=status)


@require_GET
@login_required
def import_job(request: HttpRequest, slug: str, job_id) -> HttpResponse:
    """The import's progress bar (its partial polled by htmx), then the report."""
    project, job = import_job_get(user=request.user, slug=slug, job_id=job_id)
    template = "annotations/articles/import_job.html"
    if request.htmx:
        template += "#import-progress"
    return render(request, template, {"project": project, "job": job})


@require_GET
@login_required
def import_report(request: HttpRequest, slug: str, job_id) -> HttpResponse:
    """The report as a JSON file."""
    _project, job = import_job_get(user=request.user, slug=slug, job_id=job_id)
    body = {"job": str(job.pk), "status": job.status, "error": job.error, **job.result}
    response = JsonResponse(
        body, json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}.json"'
    return response
