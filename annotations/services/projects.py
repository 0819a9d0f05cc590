"""Projects, memberships and guideline versions."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from annotations.choices import Role
from annotations.default_scheme import default_guidelines, default_scheme
from annotations.models import GuidelineVersion, Membership, Project
from annotations.scheme import SchemeError, parse_scheme


@transaction.atomic
def project_create(
    *,
    slug: str,
    name: str,
    language: str,
    created_by: AbstractBaseUser | None = None,
    scheme: dict | None = None,
    guidelines: str | None = None,
    overlap: int = 2,
    allow_overlapping_spans: bool = True,
    pipeline: str = "",
    description: str = "",
) -> Project:
    """Create a project with guideline version 1; the creator becomes its admin.

    Without a scheme the default financial-news scheme in the project's
    language is used.
    """
    scheme = scheme if scheme is not None else default_scheme(language)
    project = Project(
        slug=slug,
        name=name,
        language=language,
        scheme=scheme,
        overlap=overlap,
        allow_overlapping_spans=allow_overlapping_spans,
        pipeline=pipeline,
        description=description,
    )
    project.full_clean()
    project.save()
    guideline_publish(
        project=project,
        author=created_by,
        text=guidelines if guidelines is not None else default_guidelines(language),
        changelog="Initial version",
    )
    if created_by is not None:
        membership_set(project=project, user=created_by, role=Role.ADMIN)
    return project


def membership_set(
    *, project: Project, user: AbstractBaseUser, role: str
) -> Membership:
    """Add the user to the project in ``role``, or change their role."""
    if role not in Role.values:
        raise ValidationError({"role": [f"Unknown role {role!r}."]})
    membership, _ = Membership.objects.update_or_create(
        project=project, user=user, defaults={"role": role}
    )
    return membership


@transaction.atomic
def guideline_publish(
    *,
    project: Project,
    author: AbstractBaseUser | None,
    text: str,
    changelog: str,
    scheme: dict | None = None,
) -> GuidelineVersion:
    """Publish the next guideline version, freezing the scheme in force with it."""
    scheme = scheme if scheme is not None else project.scheme
    try:
        parse_scheme(scheme, strict=True)
    except SchemeError as error:
        raise ValidationError({"scheme": [str(error)]}) from error
    locked = Project.objects.select_for_update().get(pk=project.pk)
    last = (
        GuidelineVersion.objects.filter(project=locked)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    if scheme != locked.scheme:
        locked.scheme = scheme
        locked.save(update_fields=["scheme", "updated_at"])
        project.scheme = scheme
    version = GuidelineVersion(
        project=locked,
        number=(last or 0) + 1,
        text=text,
        changelog=changelog,
        scheme=scheme,
        author=author,
    )
    version.full_clean()
    version.save()
    return version
