"""Project administration: create, clone, change settings and scheme, members.

Each admin action is one function here, called alike by the settings pages
and the REST API: ``project_create_from_template``,
``project_clone``, ``project_patch`` (settings and scheme together),
``member_add``, ``member_role_change`` and ``member_remove``.

Decisions:

* **Who creates projects**: site staff (``is_staff``) and superusers, in the
  browser ("New project from template", ``/new-project/``) and through
  ``POST /api/v1/projects/``. The creator becomes the project's admin. Project
  admins manage their project but do not create new ones unless they are staff;
  that keeps the list of projects in the hands of whoever runs the site.
* **Templates**: the default financial-news scheme and guidelines, in German or
  English (``annotations.default_scheme``); one click creates the project with
  guideline version 1. The API may send its own scheme and guidelines instead;
  without a scheme the language must have a template, on the page and in the
  API alike.
* **Clones** copy the scheme (current, with examples), the current guideline
  text (as version 1 of the clone, changelog naming the source), and the work
  settings (overlap, overlapping spans, pipeline, label mapping, pipeline
  options, consensus, split ratios, calibration share, feedback, lease, what
  ML engineers may read and cut). Not copied: articles, annotations, gold,
  predictions, members (only the cloning user, as admin), the split seed (the
  clone gets its own split) and the guideline history.
* **Members**: add existing users by username; the last admin of a project can
  be neither removed nor demoted (409). New users and e-mail invitations are
  ``services.people``.
* **Label mapping** (pipeline label → scheme label or null) is stored as given
  once every target is a key of the scheme or null; whether the pipeline
  exists and what it emits is checked by the pre-annotation code.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from annotations.choices import Role
from annotations.default_scheme import default_guidelines, default_scheme
from annotations.errors import ConflictError
from annotations.guideline_text import guideline_text_validate
from annotations.models import GuidelineVersion, Membership, Project
from annotations.scheme import Scheme, SchemeError, parse_scheme
from annotations.services.projects import membership_set, project_create
from annotations.services.scheme_changes import scheme_change_apply
from annotations.validation import flat_errors, json_problems

TEMPLATE_LANGUAGES = ("en", "de")
UPDATABLE_FIELDS = (
    "name",
    "description",
    "overlap",
    "allow_overlapping_spans",
    "ml_can_see_annotations",
    "ml_can_cut_releases",
    "pipeline",
    "label_mapping",
)


def can_create_projects(user: AbstractBaseUser) -> bool:
    return bool(
        user.is_authenticated
        and (user.is_staff or getattr(user, "is_superuser", False))
    )


def _slug_free(slug: str) -> None:
    if Project.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": ["A project with this slug exists already."]})


@transaction.atomic
def project_create_from_template(
    *,
    slug: str,
    name: str,
    language: str,
    created_by: AbstractBaseUser,
    description: str = "",
    overlap: int = 2,
    scheme: dict | None = None,
    guidelines: str | None = None,
    allow_overlapping_spans: bool = True,
    pipeline: str = "",
) -> Project:
    """A new project; the creator becomes its admin (the "new project" page and the API).

    Without ``scheme`` the default financial-news scheme in ``language`` is
    used (so ``language`` must have a template), without ``guidelines`` the
    default guidelines. Who may create projects is ``can_create_projects``,
    checked by the caller.
    """
    if scheme is None and language not in TEMPLATE_LANGUAGES:
        raise ValidationError(
            {"language": [f"Templates exist in {', '.join(TEMPLATE_LANGUAGES)}."]}
        )
    if guidelines is not None:
        guideline_text_validate(guidelines)
    _storable_text(slug=slug, name=name, language=language, description=description)
    pipeline_validate(pipeline)
    _slug_free(slug)
    return project_create(
        slug=slug,
        name=name,
        language=language,
        created_by=created_by,
        scheme=scheme if scheme is not None else default_scheme(language),
        guidelines=guidelines
        if guidelines is not None
        else default_guidelines(language),
        overlap=overlap,
        allow_overlapping_spans=allow_overlapping_spans,
        pipeline=pipeline,
        description=description,
    )


@transaction.atomic
def project_clone(
    *, source: Project, slug: str, name: str, created_by: AbstractBaseUser
) -> Project:
    """A new project with ``source``'s scheme, guidelines and settings, without its data."""
    _slug_free(slug)
    current = (
        GuidelineVersion.objects.filter(project=source).order_by("-number").first()
    )
    clone = project_create(
        slug=slug,
        name=name,
        language=source.language,
        created_by=created_by,
        scheme=source.scheme,
        guidelines=current.text if current else default_guidelines(source.language),
        overlap=source.overlap,
        allow_overlapping_spans=source.allow_overlapping_spans,
        pipeline=source.pipeline,
        description=source.description,
    )
    clone.label_mapping = dict(source.label_mapping or {})
    clone.pipeline_options = dict(source.pipeline_options or {})
    clone.consensus = dict(source.consensus or {})
    clone.split_ratios = list(source.split_ratios or [])
    clone.calibration_share = source.calibration_share
    clone.feedback_enabled = source.feedback_enabled
    clone.lease_minutes = source.lease_minutes
    clone.ml_can_see_annotations = source.ml_can_see_annotations
    clone.ml_can_cut_releases = source.ml_can_cut_releases
    clone.save()
    first = clone.guideline_versions.get(number=1)
    first.changelog = (
        f"Cloned from {source.slug}"
        + (f" (guidelines v{current.number})" if current else "")
    )[:500]
    first.save(update_fields=["changelog"])
    return clone


def _storable_text(**fields: Any) -> None:
    """ValidationError for fields holding NUL or lone surrogates (no database stores them)."""
    errors = {
        name: flat_errors(problems)
        for name, value in fields.items()
        if (problems := json_problems(value))
    }
    if errors:
        raise ValidationError(errors)


def pipeline_validate(name: Any, project: Project | None = None) -> str:
    """``name`` if pre-annotation can build it, else ValidationError naming the known ones.

    Empty means the built-in pipeline of the project's language. Known: the
    registry's ``pipeline_names()`` (model pipelines only when installed), the
    ``NEWSROOM_SPACY_PIPELINES`` setting, and ``trained:<version>`` pipelines
    this project trained. An unknown name used to be stored, and later imports
    quietly got no suggestions (issue 16).
    """
    from django.conf import settings

    from annotations.nlp.registry import pipeline_names  # imports spaCy: lazily
    from annotations.services.training import trained_pipeline_for

    if name == "":
        return name
    installed = getattr(settings, "NEWSROOM_SPACY_PIPELINES", {}) or {}
    known = sorted({*pipeline_names(), *installed})
    if isinstance(name, str) and name in known:
        return name
    if isinstance(name, str) and name.startswith("trained:") and project is not None:
        trained_pipeline_for(project, name.removeprefix("trained:"))  # or refuses
        return name
    raise ValidationError(
        {
            "pipeline": [
                f"Unknown pipeline {name!r}; use one of {', '.join(known)}, "
                "trained:<version> for a pipeline this project trained, or "
                "leave it empty for the built-in one of the project's language."
            ]
        }
    )


def label_mapping_validate(mapping: Any, scheme: Scheme) -> dict[str, str | None]:
    """``{pipeline label: scheme label key or null}``; raise ValidationError otherwise."""
    if not isinstance(mapping, dict):
        raise ValidationError(
            {
                "label_mapping": [
                    "Must be an object: pipeline label → scheme label or null."
                ]
            }
        )
    errors = []
    for source, target in mapping.items():
        if not isinstance(source, str) or not source.strip():
            errors.append("Pipeline labels must be non-empty strings.")
        elif target is not None and target not in scheme.span_label_keys:
            errors.append(
                f"{source!r} maps to {target!r}, which is not a label of the scheme "
                f"({', '.join(scheme.span_label_keys)}) or null."
            )
    if errors:
        raise ValidationError({"label_mapping": errors})
    return dict(mapping)


@transaction.atomic
def project_update(*, project: Project, data: dict[str, Any]) -> Project:
    """Change project settings other than the scheme (see ``scheme_changes`` for that)."""
    unknown = set(data) - set(UPDATABLE_FIELDS)
    if unknown:
        raise ValidationError(
            {field: ["This field cannot be changed here."] for field in sorted(unknown)}
        )
    _storable_text(**data)
    if "pipeline" in data:
        pipeline_validate(data["pipeline"], project)
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if "label_mapping" in data:
        try:
            scheme = parse_scheme(locked.scheme)
        except SchemeError as error:  # pragma: no cover - stored schemes are valid
            raise ValidationError({"scheme": [str(error)]}) from error
        data = {
            **data,
            "label_mapping": label_mapping_validate(data["label_mapping"], scheme),
        }
    for name, value in data.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    for name in data:
        setattr(project, name, getattr(locked, name))
    return locked


@transaction.atomic
def project_patch(
    *,
    project: Project,
    author: AbstractBaseUser | None,
    data: dict[str, Any],
    scheme: Any = None,
    scheme_actions: dict[str, str] | None = None,
    changelog: str = "",
) -> Project:
    """Change settings and, with ``scheme``, the scheme, all or nothing.

    The settings page and ``PATCH /api/v1/projects/{id}/`` both call this. A
    scheme change goes through ``scheme_change_apply`` (``SchemeChangeBlocked``
    when it would lose work without an action); the other fields through
    ``project_update``. When either part is refused nothing is written.
    """
    if scheme is not None:
        scheme_change_apply(
            project=project,
            new_scheme=scheme,
            actions=scheme_actions,
            author=author,
            changelog=changelog,
        )
    if data:
        project_update(project=project, data=data)
    return project


# --- members ---------------------------------------------------------------------


def _other_admins(project: Project, user: AbstractBaseUser) -> bool:
    return (
        Membership.objects.select_for_update()
        .filter(project=project, role=Role.ADMIN)
        .exclude(user=user)
        .exists()
    )


@transaction.atomic
def member_add(*, project: Project, username: str, role: str) -> Membership:
    """Invite an existing user by username (409 if already a member)."""
    if role not in Role.values:
        raise ValidationError({"role": [f"Unknown role {role!r}."]})
    _storable_text(user=username)
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ValidationError({"user": [f"No active user named {username!r}."]})
    if Membership.objects.filter(project=project, user=user).exists():
        raise ConflictError(
            f"{username} is already a member; change their role instead."
        )
    return membership_set(project=project, user=user, role=role)


@transaction.atomic
def member_role_change(
    *, project: Project, user: AbstractBaseUser, role: str
) -> Membership:
    """Change a member's role; the last admin cannot step down."""
    membership = (
        Membership.objects.select_for_update()
        .filter(project=project, user=user)
        .first()
    )
    if membership is None:
        raise ValidationError({"user": ["Not a member of this project."]})
    if (
        membership.role == Role.ADMIN
        and role != Role.ADMIN
        and not _other_admins(project, user)
    ):
        raise ConflictError(
            "The project needs an admin: make someone else admin first."
        )
    return membership_set(project=project, user=user, role=role)


@transaction.atomic
def member_remove(*, project: Project, user: AbstractBaseUser) -> None:
    """Remove a member (their annotations stay); never the last admin."""
    membership = (
        Membership.objects.select_for_update()
        .filter(project=project, user=user)
        .first()
    )
    if membership is None:
        raise ValidationError({"user": ["Not a member of this project."]})
    if membership.role == Role.ADMIN and not _other_admins(project, user):
        raise ConflictError("The last admin cannot be removed.")
    membership.delete()
