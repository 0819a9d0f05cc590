"""The export and releases page: download a dataset, follow a job, cut a release.

``/projects/<slug>/exports/`` shows the export form (formats from the exporter
registry, the sources the member's role may export, filters) and the project's
releases with their manifest, changelog and checksums. The doors call the
services of the API: ``services.exports.export_start`` (a stream, or a job for
big exports and ``mode=job``) and ``services.releases.release_start``; reads go
through ``selectors.export_page`` and ``selectors.export_access``, the one
policy of who may export and who may cut releases. A job's page polls an htmx
partial of itself until the job is done, then links the file.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from annotations.models import Release
from annotations.selectors.export_access import project_get_for_release_cut
from annotations.selectors.export_page import (
    ExportPage,
    export_page_job_get,
    export_page_read,
)
from annotations.services import exports, releases
from annotations.views.export_forms import ExportForm, ReleaseForm

#: What each format is, for the form; a format missing here shows its name only.
FORMAT_NOTES = {
    "jsonl": gettext_lazy("JSON lines: one article (or annotation) a line"),
    "spacy": gettext_lazy("spaCy DocBin files per split, in a .tar.gz"),
    "conll": gettext_lazy("CoNLL-2003: a token and its BIO tag a line"),
    "hf": gettext_lazy("Hugging Face datasets: JSONL and dataset_info.json, .tar.gz"),
    "labelstudio": gettext_lazy("Label Studio task JSON"),
    "doccano": gettext_lazy("doccano JSONL"),
}


def _render(
    request: HttpRequest,
    page: ExportPage,
    *,
    form: ExportForm | None = None,
    release_form: ReleaseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if form is None:
        form = ExportForm(
            options=page.options,
            initial={"format": "jsonl", "source": "gold", "mode": "auto"},
        )
    context = {
        "project": page.project,
        "page": page,
        "form": form,
        "release_form": release_form or ReleaseForm(),
        "formats": [
            (name, FORMAT_NOTES.get(name, "")) for name in page.options.formats
        ],
        "can_cut_releases": page.access.can_cut_releases,
    }
    return render(request, "annotations/exports/page.html", context, status=status)


@require_GET
@login_required
def exports_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The export form and the release list (roles that may export)."""
    return _render(request, export_page_read(user=request.user, slug=slug))


@require_GET
@login_required
def export_download(request: HttpRequest, slug: str) -> HttpResponse:
    """The export as a download, or (big, or ``mode=job``) a redirect to its job.

    A refused request shows the form again with each error next to its field
    (400), like the API's field-level errors.
    """
    page = export_page_read(user=request.user, slug=slug)
    form = ExportForm(request.GET, options=page.options)
    if form.is_valid():
        try:
            started = exports.export_start(
                project=page.project,
                fmt=form.cleaned_data["format"],
                filters=form.filters(),
                mode=form.export_mode,
                created_by=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except exports.ExportFailed as error:
            form.add_error(None, str(error))
        else:
            if isinstance(started, exports.ExportDownload):
                return _stream(started)
            return redirect("annotations:export-job", slug=slug, job_id=started.pk)
    return _render(request, page, form=form, status=400)


def _stream(download: exports.ExportDownload) -> StreamingHttpResponse:
    response = StreamingHttpResponse(download.chunks, content_type=download.media_type)
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@login_required
def export_job(request: HttpRequest, slug: str, job_id) -> HttpResponse:
    """An export or release job: a progress bar (its partial polled) and, once done, the file."""
    project, job = export_page_job_get(user=request.user, slug=slug, job_id=job_id)
    template = "annotations/exports/job.html"
    if request.htmx:
        template += "#job-progress"
    return render(request, template, {"project": project, "job": job})


@require_POST
@login_required
def release_cut(request: HttpRequest, slug: str) -> HttpResponse:
    """Cut a release now (or as a job): admins, and ML engineers where allowed."""
    project = project_get_for_release_cut(user=request.user, slug=slug)
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        page = export_page_read(user=request.user, slug=slug)
        return _render(request, page, release_form=form, status=400)
    started = releases.release_start(
        project=project,
        created_by=request.user,
        note=form.cleaned_data["note"],
        mode=form.release_mode,
    )
    if not isinstance(started, Release):
        return redirect("annotations:export-job", slug=slug, job_id=started.pk)
    messages.success(
        request, _("Release %(number)s is cut.") % {"number": started.number}
    )
    page_url = reverse("annotations:exports", kwargs={"slug": slug})
    return redirect(f"{page_url}#release-{started.number}")
