"""Guidelines: publishing, stamping, acknowledging (the pure text rules: tests/unit/core)."""

import pytest
from django.core.exceptions import ValidationError

from annotations.models import Annotation, GuidelineAcknowledgement
from annotations.scheme_diff import SchemeChangeBlocked
from annotations.services.guidelines import (
    guideline_acknowledge,
    guideline_version_publish,
)
from tests.factories import (
    ArticleFactory,
    ProjectFactory,
    UserFactory,
    annotate,
    annotator,
    span,
)

TEXT = "Siemens shares crash 5% as Deutsche Bank slams the outlook."


@pytest.mark.django_db
def test_publish_then_annotations_remember_their_version():
    project = ProjectFactory()
    admin, anna = annotator(project, "boss", "admin"), annotator(project, "anna")
    doc, other = ArticleFactory.create_batch(2, project=project, text=TEXT)
    first = annotate(doc, anna, [span(TEXT, "Siemens", "ORG")], status="draft")
    assert first.guideline_version.number == 1

    version = guideline_version_publish(
        project=project, author=admin, text="# New rules\n", changelog="Stricter ORG"
    )
    assert version.number == 2
    assert version.scheme == project.scheme
    assert GuidelineAcknowledgement.objects.filter(
        user=admin, guideline_version=version
    ).exists()
    second = annotate(other, anna, [span(TEXT, "Siemens", "ORG")], status="draft")
    assert second.guideline_version.number == 2
    first.refresh_from_db()
    assert first.guideline_version.number == 1  # old work keeps its version
    # Replacing the old annotation stamps the version now in force.
    from annotations.services.annotations import annotation_save

    annotation_save(
        article=doc, annotator=anna, spans=[], labels={}, version=first.version
    )
    assert Annotation.objects.get(pk=first.pk).guideline_version.number == 2


@pytest.mark.django_db
def test_publish_requires_text_and_changelog_and_change():
    project = ProjectFactory()
    admin = annotator(project, "boss", "admin")
    with pytest.raises(ValidationError, match="must not be empty"):
        guideline_version_publish(
            project=project, author=admin, text=" ", changelog="x"
        )
    with pytest.raises(ValidationError, match="what changed"):
        guideline_version_publish(project=project, author=admin, text="x", changelog="")
    current = project.guideline_versions.get().text
    assert (
        guideline_version_publish(
            project=project, author=admin, text=current, changelog="again"
        )
        is None
    )


@pytest.mark.django_db
def test_publish_with_a_lossy_scheme_is_refused():
    project = ProjectFactory()
    admin, anna = annotator(project, "boss", "admin"), annotator(project, "anna")
    annotate(
        ArticleFactory(project=project, text=TEXT),
        anna,
        [span(TEXT, "Siemens", "ORG")],
        status="draft",
    )
    scheme = dict(project.scheme)
    scheme["span_labels"] = [
        lab for lab in scheme["span_labels"] if lab["key"] != "ORG"
    ]
    with pytest.raises(SchemeChangeBlocked):
        guideline_version_publish(
            project=project,
            author=admin,
            text="v2",
            changelog="drop ORG",
            scheme=scheme,
        )
    assert project.guideline_versions.count() == 1


@pytest.mark.django_db
def test_acknowledge_is_idempotent_and_for_members_only():
    project = ProjectFactory()
    anna = annotator(project, "anna")
    version = project.guideline_versions.get()
    first = guideline_acknowledge(user=anna, version=version)
    assert guideline_acknowledge(user=anna, version=version) == first
    with pytest.raises(ValidationError, match="Only project members"):
        guideline_acknowledge(user=UserFactory(), version=version)
