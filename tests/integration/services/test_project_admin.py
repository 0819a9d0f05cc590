"""Templates, clones, settings and members."""

from copy import deepcopy

import pytest
from django.core.exceptions import ValidationError

from annotations.choices import Role
from annotations.default_scheme import default_guidelines, default_scheme
from annotations.errors import ConflictError
from annotations.models import AnnotationSpan, Membership
from annotations.scheme_diff import SchemeChangeBlocked
from annotations.services import project_admin
from annotations.services.guidelines import guideline_version_publish
from tests.factories import (
    ArticleFactory,
    ProjectFactory,
    UserFactory,
    annotate,
    annotator,
    span,
)

pytestmark = pytest.mark.django_db

TEXT = "Siemens shares crash 5% as Deutsche Bank slams the outlook."


@pytest.mark.parametrize("language", ["de", "en"])
def test_template_creates_project_with_default_scheme(language):
    staff = UserFactory(is_staff=True)
    project = project_admin.project_create_from_template(
        slug=f"fin-{language}", name="Fin", language=language, created_by=staff
    )
    assert project.scheme == default_scheme(language)
    version = project.guideline_versions.get()
    assert (version.number, version.text) == (1, default_guidelines(language))
    assert Membership.objects.get(project=project).role == Role.ADMIN


def test_template_refuses_unknown_language_and_taken_slug():
    staff = UserFactory(is_staff=True)
    with pytest.raises(ValidationError, match="Templates exist"):
        project_admin.project_create_from_template(
            slug="x", name="X", language="fr", created_by=staff
        )
    ProjectFactory(slug="taken")
    with pytest.raises(ValidationError, match="exists already"):
        project_admin.project_create_from_template(
            slug="taken", name="X", language="en", created_by=staff
        )


def test_clone_copies_scheme_guidelines_settings_not_articles():
    source = ProjectFactory(overlap=3)
    admin = annotator(source, "boss", Role.ADMIN)
    annotator(source, "anna")
    annotate(
        ArticleFactory(project=source),
        Membership.objects.get(user__username="anna").user,
        status="draft",
    )
    scheme = dict(source.scheme)
    scheme["span_labels"] = [
        *scheme["span_labels"],
        {"key": "RUMOUR", "name": "Rumour", "examples": {"positive": ["word has it"]}},
    ]
    guideline_version_publish(
        project=source, author=admin, text="# v2 rules", changelog="v2", scheme=scheme
    )
    source.refresh_from_db()
    source.label_mapping = {"NORP": None}
    source.pipeline = "fin-en"
    source.save()
    clone = project_admin.project_clone(
        source=source, slug="clone", name="Clone", created_by=admin
    )
    assert clone.scheme == source.scheme
    assert clone.scheme["span_labels"][-1]["examples"] == {"positive": ["word has it"]}
    assert (clone.overlap, clone.pipeline, clone.label_mapping) == (
        3,
        "fin-en",
        {"NORP": None},
    )
    version = clone.guideline_versions.get()
    assert version.text == "# v2 rules"
    assert version.changelog == f"Cloned from {source.slug} (guidelines v2)"
    assert clone.articles.count() == 0
    assert list(clone.memberships.values_list("user__username", "role")) == [
        ("boss", Role.ADMIN)
    ]


def test_label_mapping_targets_must_be_scheme_labels_or_null():
    project = ProjectFactory()
    updated = project_admin.project_update(
        project=project, data={"label_mapping": {"ORG": "ORG", "NORP": None}}
    )
    assert updated.label_mapping == {"ORG": "ORG", "NORP": None}
    with pytest.raises(ValidationError, match="'GPE' maps to 'PLACE'"):
        project_admin.project_update(
            project=project, data={"label_mapping": {"GPE": "PLACE"}}
        )
    with pytest.raises(ValidationError, match="Must be an object"):
        project_admin.project_update(project=project, data={"label_mapping": []})


def test_update_validates_fields():
    project = ProjectFactory()
    with pytest.raises(ValidationError):
        project_admin.project_update(project=project, data={"overlap": 0})
    with pytest.raises(ValidationError, match="cannot be changed here"):
        project_admin.project_update(project=project, data={"scheme": {}})
    project_admin.project_update(
        project=project, data={"overlap": 4, "allow_overlapping_spans": False}
    )
    project.refresh_from_db()
    assert (project.overlap, project.allow_overlapping_spans) == (4, False)


def test_members_add_change_remove_keep_an_admin():
    project = ProjectFactory()
    boss = annotator(project, "boss", Role.ADMIN)
    UserFactory(username="carl")
    membership = project_admin.member_add(
        project=project, username="carl", role="reviewer"
    )
    assert membership.role == Role.REVIEWER
    with pytest.raises(ConflictError, match="already a member"):
        project_admin.member_add(project=project, username="carl", role="annotator")
    with pytest.raises(ValidationError, match="No active user"):
        project_admin.member_add(project=project, username="nobody", role="annotator")
    with pytest.raises(ValidationError, match="Unknown role"):
        project_admin.member_add(project=project, username="boss", role="king")
    with pytest.raises(ConflictError, match="needs an admin"):
        project_admin.member_role_change(project=project, user=boss, role="annotator")
    with pytest.raises(ConflictError, match="last admin"):
        project_admin.member_remove(project=project, user=boss)
    carl = membership.user
    project_admin.member_role_change(project=project, user=carl, role=Role.ADMIN)
    project_admin.member_remove(project=project, user=boss)
    assert list(project.memberships.values_list("user__username", flat=True)) == [
        "carl"
    ]


def test_only_staff_create_projects():
    assert project_admin.can_create_projects(UserFactory(is_staff=True)) is True
    assert project_admin.can_create_projects(UserFactory()) is False


def test_create_with_own_scheme_and_guidelines_as_the_api_does():
    staff = UserFactory(is_staff=True)
    scheme = default_scheme("en")
    scheme["span_labels"] = scheme["span_labels"][:2]
    project = project_admin.project_create_from_template(
        slug="fr-news",
        name="Actualités",
        language="fr",
        created_by=staff,
        scheme=scheme,
        guidelines="# Règles",
        pipeline="fin-en",
        allow_overlapping_spans=False,
    )
    assert project.scheme == scheme
    assert (project.pipeline, project.allow_overlapping_spans) == ("fin-en", False)
    assert project.guideline_versions.get().text == "# Règles"


def test_create_refuses_blank_guidelines_and_a_language_without_template():
    staff = UserFactory(is_staff=True)
    with pytest.raises(ValidationError, match="must not be empty"):
        project_admin.project_create_from_template(
            slug="x", name="X", language="en", created_by=staff, guidelines="  "
        )
    with pytest.raises(ValidationError, match="Templates exist"):
        project_admin.project_create_from_template(
            slug="x", name="X", language="fr", created_by=staff, guidelines="# R"
        )
    assert not Membership.objects.filter(user=staff).exists()


def test_patch_changes_settings_and_scheme_together_or_not_at_all():
    project = ProjectFactory()
    boss = annotator(project, "boss", Role.ADMIN)
    doc = ArticleFactory(project=project, text=TEXT)
    anna = annotator(project, "anna")
    annotate(doc, anna, [span(TEXT, "Siemens", "ORG")], status="draft")
    scheme = deepcopy(project.scheme)
    scheme["span_labels"] = [s for s in scheme["span_labels"] if s["key"] != "ORG"]
    migrate = {"label:ORG": "migrate:PERSON"}
    refused = [
        (SchemeChangeBlocked, {"overlap": 5}, None),  # no action for ORG in use
        (ValidationError, {"overlap": 0}, migrate),  # settings invalid
    ]
    for error, data, actions in refused:
        with pytest.raises(error):
            project_admin.project_patch(
                project=project,
                author=boss,
                data=data,
                scheme=scheme,
                scheme_actions=actions,
            )
    project.refresh_from_db()
    assert project.overlap == 2
    assert project.guideline_versions.count() == 1
    assert AnnotationSpan.objects.get().label == "ORG"
    project_admin.project_patch(
        project=project,
        author=boss,
        data={"overlap": 5},
        scheme=scheme,
        scheme_actions=migrate,
        changelog="ORG folded into PERSON",
    )
    project.refresh_from_db()
    assert project.overlap == 5
    assert project.guideline_versions.latest("number").changelog == (
        "ORG folded into PERSON"
    )
    assert AnnotationSpan.objects.get().label == "PERSON"
