"""Guideline text rules on plain strings: sanitiser, per-label help, diff, validation."""

import pytest
from django.core.exceptions import ValidationError

from annotations.guideline_text import (
    MAX_TEXT_LENGTH,
    guideline_diff_html,
    guideline_text_validate,
    guidelines_render,
    label_help,
    label_sections,
)
from annotations.scheme import parse_scheme
from tests.factories import ProjectFactory

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


def test_headings_inside_code_fences_open_no_section():
    text = "## ORG\nCompanies.\n```\n## PERSON\n```\nStill ORG.\n## PERSON\nPeople."
    sections = label_sections(text, ("ORG", "PERSON"))
    assert sections["ORG"] == "Companies.\n```\n## PERSON\n```\nStill ORG."
    assert sections["PERSON"] == "People."


def test_diff_keeps_context_and_marks_gaps():
    old = "\n".join(f"line {n}" for n in range(1, 21))
    new = old.replace("line 2\n", "line two\n").replace("line 19", "line nineteen")
    html = str(guideline_diff_html(old, new, context=1))
    assert html.count('class="diff-gap"') == 1
    assert "line 10" not in html  # far from both changes
    assert "<del>2</del>" in html
    assert "<ins>two</ins>" in html


@pytest.mark.parametrize("text", ["", "   \n", None, 3, "x" * (MAX_TEXT_LENGTH + 1)])
def test_text_validation_refuses_empty_or_oversized(text):
    with pytest.raises(ValidationError) as caught:
        guideline_text_validate(text)
    assert "text" in caught.value.message_dict


def test_text_validation_returns_the_text():
    assert guideline_text_validate("# Rules") == "# Rules"
