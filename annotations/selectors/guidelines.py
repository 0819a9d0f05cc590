"""Reads about guideline versions: the version filter, the list, a diff, the notice.

These take a ``project`` the caller has already fetched through
``selectors.project_get_for_user`` (membership checked, 404 otherwise); they
add no access check of their own, except ``guideline_notice_for_user`` which
looks at the user's own role and history.

``annotations_under_guideline_version(project=..., max_version=N)`` is the
filter "annotations made under version ≤ N" for the review list and the
export: annotations stamped with a guideline version whose number is ≤ N.
Annotations without a stamp (none are made without one by ``annotation_save``;
only rows imported from elsewhere could lack it) are left out, because we
cannot say which rules they followed. ``gold_under_guideline_version`` is
the same filter for gold annotations. Both return querysets the caller may
narrow further (status, annotator, visibility rules).

Who sees the "guidelines changed" notice (``guideline_notice_for_user``):
members who annotate (admin, reviewer, annotator; ML engineers only read)
and whose *baseline* is older than the latest version. The baseline is the
highest of: the newest version they acknowledged, the newest version any of
their annotations in the project was made under, the newest version they
authored, and the version in force when they joined the project. So a new
member is not told that rules changed before they arrived, an annotator who
joined at v1 is told about v2 the first time they open the project after it
was published (until they acknowledge), and the diff they see runs from
their baseline to the latest version.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Max, QuerySet
from django.http import Http404
from django.utils.safestring import SafeString

from annotations import permissions
from annotations.guideline_text import (
    LabelHelp,
    guideline_diff_html,
    guidelines_render,
    label_help,
)
from annotations.models import (
    Annotation,
    GoldAnnotation,
    GuidelineAcknowledgement,
    GuidelineVersion,
    Membership,
    Project,
)
from annotations.scheme import SchemeError, parse_scheme
from annotations.scheme_diff import SchemeChange, scheme_data_diff
from annotations.selectors.access import role_in_project

User = AbstractBaseUser | AnonymousUser


def annotations_under_guideline_version(
    *, project: Project, max_version: int
) -> QuerySet[Annotation]:
    """Annotations of the project made under guideline version ≤ ``max_version``."""
    return Annotation.objects.filter(
        article__project=project, guideline_version__number__lte=max_version
    )


def gold_under_guideline_version(
    *, project: Project, max_version: int
) -> QuerySet[GoldAnnotation]:
    """Gold annotations of the project written under guideline version ≤ ``max_version``."""
    return GoldAnnotation.objects.filter(
        article__project=project, guideline_version__number__lte=max_version
    )


def guideline_version_list(*, project: Project) -> QuerySet[GuidelineVersion]:
    """Versions, newest first, with their authors."""
    return (
        GuidelineVersion.objects.filter(project=project)
        .select_related("author")
        .order_by("-number")
    )


def guideline_version_get(*, project: Project, number: int) -> GuidelineVersion:
    version = guideline_version_list(project=project).filter(number=number).first()
    if version is None:
        raise Http404("No such guideline version.")
    return version


@dataclass
class GuidelineReading:
    """One guideline version as members read it, with the help for each span label."""

    version: GuidelineVersion | None
    versions: list[GuidelineVersion]
    html: SafeString | str
    labels: list[LabelHelp]


def guideline_reading(
    *, project: Project, number: int | None = None
) -> GuidelineReading:
    """Version ``number`` (default: the one in force) rendered, with per-label help.

    Http404 when version ``number`` does not exist.
    """
    versions = list(guideline_version_list(project=project))
    if number is not None:
        version = guideline_version_get(project=project, number=number)
    else:
        version = versions[0] if versions else None
    if version is None:
        return GuidelineReading(version=None, versions=versions, html="", labels=[])
    try:
        labels = label_help(parse_scheme(version.scheme), version.text)
    except SchemeError:
        labels = []
    return GuidelineReading(
        version=version,
        versions=versions,
        html=guidelines_render(version.text),
        labels=labels,
    )


@dataclass
class GuidelineDiff:
    """Two guideline versions compared: text diff (escaped HTML) and scheme changes."""

    old: GuidelineVersion
    new: GuidelineVersion
    diff_html: SafeString
    scheme_changes: list[SchemeChange]
    versions: list[GuidelineVersion] = field(default_factory=list)


def guideline_version_diff(
    *, project: Project, from_number: int | None = None, to_number: int | None = None
) -> GuidelineDiff:
    """The diff between two versions; by default the previous one → the latest.

    ``versions`` lists every version, newest first (for the version picker).
    Http404 when a named version does not exist.
    """
    versions = list(guideline_version_list(project=project))
    if to_number is None:
        to_number = versions[0].number if versions else 1
    if from_number is None:
        from_number = max(to_number - 1, 1)
    old = guideline_version_get(project=project, number=from_number)
    new = guideline_version_get(project=project, number=to_number)
    return GuidelineDiff(
        old=old,
        new=new,
        diff_html=guideline_diff_html(old.text, new.text),
        scheme_changes=scheme_data_diff(old.scheme, new.scheme),
        versions=versions,
    )


@dataclass
class GuidelineNotice:
    """What a member is shown when the guidelines changed since their baseline."""

    latest: GuidelineVersion
    baseline: GuidelineVersion
    versions: list[GuidelineVersion] = field(default_factory=list)
    scheme_changes: list[SchemeChange] = field(default_factory=list)
    diff_html: SafeString | str = ""


def guideline_baseline_number(*, user: User, project: Project) -> int | None:
    """The newest version the user is known to have worked under (see module doc)."""
    if not user.is_authenticated:
        return None
    membership = Membership.objects.filter(project=project, user=user).first()
    if membership is None:
        return None
    versions = GuidelineVersion.objects.filter(project=project)
    candidates = [
        GuidelineAcknowledgement.objects.filter(
            user=user, guideline_version__project=project
        ).aggregate(n=Max("guideline_version__number"))["n"],
        Annotation.objects.filter(annotator=user, article__project=project).aggregate(
            n=Max("guideline_version__number")
        )["n"],
        versions.filter(author=user).aggregate(n=Max("number"))["n"],
        versions.filter(created_at__lte=membership.created_at).aggregate(
            n=Max("number")
        )["n"],
    ]
    known = [n for n in candidates if n is not None]
    return max(known) if known else None


def guideline_notice_for_user(
    *, user: User, project: Project
) -> GuidelineNotice | None:
    """The "guidelines changed" notice for this member, or None when there is nothing new."""
    role = role_in_project(user=user, project=project)
    if not permissions.can_annotate(role):
        return None
    baseline_number = guideline_baseline_number(user=user, project=project)
    if baseline_number is None:
        return None
    versions = list(
        guideline_version_list(project=project).filter(number__gte=baseline_number)
    )
    if len(versions) < 2:
        return None
    latest, baseline = versions[0], versions[-1]
    return GuidelineNotice(
        latest=latest,
        baseline=baseline,
        versions=versions[:-1],
        scheme_changes=scheme_data_diff(baseline.scheme, latest.scheme),
        diff_html=guideline_diff_html(baseline.text, latest.text),
    )
