"""Reads of a project's trained pipelines, for ``GET /api/v1/projects/{id}/models/``.

Takes a ``project`` the caller fetched through ``selectors.access``; imports models only.
"""

from __future__ import annotations

from django.db.models import QuerySet

from annotations.models import Project, TrainedPipeline


def trained_pipeline_list(*, project: Project) -> QuerySet[TrainedPipeline]:
    """The project's trained pipelines, newest first."""
    return TrainedPipeline.objects.filter(project=project).order_by("-created_at")
