"""The annotation page shows each label's guideline section and examples, and the notice."""

import pytest

from annotations.choices import Role
from annotations.models import Assignment
from annotations.services.projects import guideline_publish
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

GUIDELINE = """# Guidelines

## ORG
Mark the company **without** its legal form only when the text does so.
<script>alert('x')</script>

## PERSON
Named people only.
"""


def test_label_sections_examples_and_notice(client, project, members):
    annotator = members[Role.ANNOTATOR]
    article = ArticleFactory(project=project)
    Assignment.objects.create(article=article, annotator=annotator)
    client.force_login(annotator)
    url = f"/projects/{project.slug}/articles/{article.pk}/"
    first = client.get(url).content.decode()
    assert 'data-testid="guidelines-notice"' not in first

    scheme = dict(project.scheme)
    scheme["span_labels"] = [dict(label) for label in scheme["span_labels"]]
    scheme["span_labels"][0]["examples"] = {
        "positive": ["Siemens AG", "BaFin"],
        "negative": ["the bank"],
    }
    guideline_publish(
        project=project,
        author=members[Role.ADMIN],
        text=GUIDELINE,
        changelog="ORG examples",
        scheme=scheme,
    )
    html = client.get(url).content.decode()
    assert 'data-testid="label-help-ORG"' in html
    assert "<strong>without</strong>" in html  # the ORG section, rendered
    assert "<q>Siemens AG</q>" in html
    assert "<q>the bank</q>" in html
    assert 'data-testid="label-help-PERSON"' in html
    assert "<script>alert" not in html  # sanitised
    assert 'data-testid="label-help-MONEY"' not in html  # no help, no panel
    assert 'data-testid="guidelines-notice"' in html  # v2 is new to this annotator
