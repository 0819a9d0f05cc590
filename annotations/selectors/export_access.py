"""Who may export what: the one role policy for exports, releases and annotation lists.

Imported by the API and the export page (``project_get_for_export``,
``project_get_for_release_cut``), the other selectors (exports, releases,
annotations) and the export services; imports the ``permissions`` predicates and
the access selectors. Every door that hands out dataset rows asks
``export_access_check`` (the annotation list asks ``export_access``), and every
door that cuts a release asks ``release_cut_check``, so the streamed export,
export jobs, releases and the annotation list cannot drift apart between the API
and the pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from annotations import permissions
from annotations.choices import Role
from annotations.models import Project
from annotations.selectors.access import User, project_get_for_user

CANNOT_EXPORT = "Your role in this project cannot export."
CANNOT_CUT_RELEASES = "Only project admins can cut releases."
CANNOT_CUT_RELEASES_ML = (
    "Only project admins can cut releases; an admin can let ML engineers cut "
    "them too in the project settings."
)
CANNOT_EXPORT_ANNOTATIONS = (
    "Your role cannot export individual annotations of this project; "
    "export source=gold."
)


@dataclass(frozen=True)
class ExportAccess:
    """What the caller's role lets them take out of a project.

    ``can_export``: gold exports and releases. ``read_individual``: every
    annotator's annotations (reviewers; ML engineers where the project allows
    it). ``names_visible``: usernames instead of stable pseudonyms.
    ``can_cut_releases``: admins, and ML engineers where the project allows it
    (``Project.ml_can_cut_releases``).
    """

    role: str | None
    can_export: bool
    read_individual: bool
    names_visible: bool
    can_cut_releases: bool = False


def export_access(*, project: Project, role: str | None) -> ExportAccess:
    """The policy for a member of ``project`` in ``role``."""
    return ExportAccess(
        role=role,
        can_export=permissions.can_export(role),
        read_individual=permissions.can_read_individual_annotations(
            role, ml_allowed=project.ml_can_see_annotations
        ),
        names_visible=permissions.can_see_annotator_names(role),
        can_cut_releases=permissions.can_cut_releases(
            role, ml_allowed=project.ml_can_cut_releases
        ),
    )


def export_access_check(
    *, project: Project, source: str = "gold", denied: str = CANNOT_EXPORT
) -> ExportAccess:
    """The caller's access, or PermissionDenied (403) when they may not export ``source``.

    ``project`` comes from ``project_get_for_user`` (membership checked, ``user_role``
    set). ``denied`` is the message for roles that cannot export at all (releases
    say "read releases"). Sources: ``gold`` and ``predictions`` (machine output,
    no annotator in it: what ML engineers compare models with) for every role that
    can export; ``annotations`` only for roles that may read individual
    annotations.
    """
    access = export_access(project=project, role=getattr(project, "user_role", None))
    if not access.can_export:
        raise PermissionDenied(denied)
    if source == "annotations" and not access.read_individual:
        raise PermissionDenied(CANNOT_EXPORT_ANNOTATIONS)
    return access


def release_cut_check(*, project: Project) -> ExportAccess:
    """The caller's access, or PermissionDenied (403) when they may not cut releases.

    ``project`` comes from ``project_get_for_user`` (``user_role`` set).
    """
    role = getattr(project, "user_role", None)
    access = export_access(project=project, role=role)
    if not access.can_cut_releases:
        raise PermissionDenied(
            CANNOT_CUT_RELEASES_ML if role == Role.ML_ENGINEER else CANNOT_CUT_RELEASES
        )
    return access


def project_get_for_export(
    *, user: User, project_id: int | None = None, slug: str | None = None
) -> Project:
    """The project (``user_role`` set) if the user may export from it.

    By id (API) or slug (pages). Http404 for outsiders, PermissionDenied for roles
    that cannot export; which source they may export is checked once the request
    is read (``export_access_check(source=...)``).
    """
    project = project_get_for_user(user=user, pk=project_id, slug=slug)
    export_access_check(project=project)
    return project


def project_get_for_release_cut(
    *, user: User, project_id: int | None = None, slug: str | None = None
) -> Project:
    """The project (``user_role`` set) if the user may cut a release of it.

    By id (``POST /api/v1/projects/{id}/releases/``) or slug (the export page).
    Http404 for outsiders, PermissionDenied for everyone ``release_cut_check``
    refuses.
    """
    project = project_get_for_user(user=user, pk=project_id, slug=slug)
    release_cut_check(project=project)
    return project
