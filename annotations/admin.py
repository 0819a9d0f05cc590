"""The Django admin: raw access for site staff, with the project's pipeline checked on save.

The admin's one action, "pre-annotate", calls ``preannotation_schedule``, the
service the project page and the API use; the project form asks
``pipeline_validate`` so an unusable pipeline is shown on the field. Loading
this module does not import spaCy; looking a pipeline up (on save, or when
the action runs) does, through ``annotations.nlp``.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from annotations.models import (
    Annotation,
    AnnotationSpan,
    Article,
    Assignment,
    GoldAnnotation,
    GoldSpan,
    GuidelineVersion,
    Job,
    Membership,
    Prediction,
    Project,
)
from annotations.services.history import history_record
from annotations.services.preannotation import pipeline_validate, preannotation_schedule


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


MODEL_LOOP_FIELDS = (
    "pipeline_previous",
    "model_auto_switch",
    "model_switch_margin",
    "queue_order",
)


class ProjectAdminForm(forms.ModelForm):
    class Meta:
        model = Project
        # members are edited in the inline; the model loop's fields on the project
        # page (services.model_switch keeps their history with a reason)
        exclude = ["members", *MODEL_LOOP_FIELDS]  # noqa: DJ006

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            candidate = Project(
                **{
                    f: cleaned.get(f) for f in ("language", "pipeline", "label_mapping")
                },
                scheme=cleaned.get("scheme") or {},
                pipeline_options=cleaned.get("pipeline_options") or {},
            )
            pipeline_validate(candidate)  # ValidationError lands on the pipeline field
        return cleaned


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    form = ProjectAdminForm
    list_display = ["name", "slug", "language", "overlap", "pipeline", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    readonly_fields = MODEL_LOOP_FIELDS
    actions = ["run_preannotation"]

    @admin.action(description="Pre-annotate all articles with the project's pipeline")
    def run_preannotation(self, request, queryset) -> None:
        for project in queryset:
            try:
                job = preannotation_schedule(project=project, created_by=request.user)
            except ValidationError as error:
                self.message_user(
                    request, f"{project}: {' '.join(error.messages)}", messages.ERROR
                )
            else:
                self.message_user(
                    request,
                    f"{project}: pre-annotation job {job.pk} queued for "
                    f"{job.total} article(s) with {job.params['pipeline']}.",
                    messages.SUCCESS,
                )


@admin.register(GuidelineVersion)
class GuidelineVersionAdmin(admin.ModelAdmin):
    list_display = ["project", "number", "changelog", "author", "created_at"]
    list_filter = ["project"]
    readonly_fields = ["project", "number", "text", "scheme", "author", "created_at"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # published versions are immutable; publish a new one instead


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "project", "language", "external_id", "imported_at"]
    list_filter = ["project", "language"]
    search_fields = ["title", "external_id"]
    readonly_fields = ["content_hash", "imported_at"]


class AnnotationSpanInline(admin.TabularInline):
    model = AnnotationSpan
    extra = 0


class SpanHistoryAdmin(admin.ModelAdmin):
    """Admin edits of annotations and gold leave a history record, spans included."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        history_record(form.instance, user=request.user, reason="admin site")


@admin.register(Annotation)
class AnnotationAdmin(SpanHistoryAdmin):
    list_display = ["id", "article", "annotator", "status", "version", "updated_at"]
    list_filter = ["status", "article__project"]
    raw_id_fields = ["article"]
    inlines = [AnnotationSpanInline]


class GoldSpanInline(admin.TabularInline):
    model = GoldSpan
    extra = 0


@admin.register(GoldAnnotation)
class GoldAnnotationAdmin(SpanHistoryAdmin):
    list_display = ["id", "article", "reviewer", "status", "updated_at"]
    raw_id_fields = ["article", "source_annotations"]
    inlines = [GoldSpanInline]


@admin.register(Prediction)
class PredictionAdmin(admin.ModelAdmin):
    list_display = ["id", "article", "pipeline", "pipeline_version", "created_at"]
    list_filter = ["pipeline", "pipeline_version"]
    raw_id_fields = ["article"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["article", "annotator", "state", "lease_expires_at"]
    list_filter = ["state"]
    raw_id_fields = ["article"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "done", "failed", "total", "created_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in Job._meta.fields]
