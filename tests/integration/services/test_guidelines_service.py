"""Guidelines: the sanitiser, per-label help, the version diff, publishing, stamping."""

import pytest
from django.core.exceptions import ValidationError

from annotations.models import Annotation, GuidelineAcknowledgement
from annotations.scheme import parse_scheme
from annotations.services.guidelines import (
    guideline_acknowledge,
    guideline_diff_html,
    guideline_version_publish,
    guidelines_render,
    label_help,
    label_sections,
)
from annotations.services.scheme_changes import SchemeChangeBlocked
from tests.factories import (
    ArticleFactory,
    ProjectFactory,
    UserFactory,
    annotate,
    annotator,
    span,
)

TEXT = "Siemens shares crash 5% as Deutsche Bank slams the outlook."

HOSTILE = """# Rules

<script>alert('xss')</script>
<img src="x" onerror="alert(1)">
<p onclick="alert(2)" style="color:red">Click</p>
[click me](javascript:alert(3))
<a href="JaVaScRiPt:alert(4)">upper</a>
<a href="data:text/html,<script>alert(5)</script>">data</a>
<iframe src="https://evil.example"></iframe>
<svg onload="alert(6)"></svg>
[fine](https://example.org/rules) and **bold**
"""


def test_sanitiser_makes_hostile_markdown_inert():
    html = str(guidelines_render(HOSTILE))
    lowered = html.lower()
    for needle in (
        "<script", "alert(", "onerror", "onclick", "onload", "javascript:",
        "data:", "<iframe", "<svg", "<img", "style=",
    ):  # fmt: skip
        assert needle not in lowered, needle
    assert "<h1>Rules</h1>" in html
    assert (
        '<a href="https://example.org/rules" rel="noopener noreferrer nofollow">'
        in html
    )
    assert "<strong>bold</strong>" in html
    assert "<p>Click</p>" in html


def test_markdown_tables_and_code_survive():
    html = str(
        guidelines_render("| a | b |\n|---|---|\n| 1 | 2 |\n\n```\n<b>x</b>\n```")
    )
    assert "<table>" in html
    assert "<td>1</td>" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def test_label_sections_by_heading_key():
    text = (
        "# Guide\nintro\n## ORG: organisations\nCompanies **and** banks.\n"
        "### Edge cases\nFunds too.\n## PERSON\nPeople.\n## ORGANIC\nnot a key\n"
    )
    sections = label_sections(text, ("ORG", "PERSON"))
    assert sections["ORG"] == "Companies **and** banks.\n### Edge cases\nFunds too."
    assert sections["PERSON"] == "People."


def test_label_help_carries_examples_from_the_scheme():
    data = ProjectFactory.build().scheme
    data["span_labels"][0]["examples"] = {
        "positive": ["Siemens AG"],
        "negative": ["<b>the market</b>"],
    }
    helps = label_help(parse_scheme(data), "## ORG\nCompanies.\n")
    assert helps[0].positive == ("Siemens AG",)
    assert helps[0].negative == ("<b>the market</b>",)
    assert str(helps[0].section_html) == "<p>Companies.</p>"
    assert str(helps[1].section_html) == ""


def test_diff_is_escaped_and_marks_changes():
    html = str(
        guideline_diff_html(
            "Mark ORG.\nKeep <this>.\nGone line\n",
            "Mark ORG and PERSON.\nKeep <this>.\n<script>x</script>\n",
        )
    )
    assert "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "&lt;this&gt;" in html
    assert "<ins>" in html
    assert "<del>" in html
    assert "PERSON." in html
    assert str(guideline_diff_html("same", "same")).startswith('<p class="muted">')


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
