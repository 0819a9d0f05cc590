"""The version filter and who is told that the guidelines changed."""

import pytest

from annotations.choices import Role
from annotations.selectors import (
    annotations_under_guideline_version,
    gold_under_guideline_version,
    guideline_notice_for_user,
)
from annotations.services.guidelines import (
    guideline_acknowledge,
    guideline_version_publish,
)
from tests.factories import (
    ArticleFactory,
    GoldAnnotationFactory,
    ProjectFactory,
    annotate,
    annotator,
    span,
)

pytestmark = pytest.mark.django_db

TEXT = "Siemens shares crash 5% as Deutsche Bank slams the outlook."


def publish(project, author, text, changelog="change"):
    return guideline_version_publish(
        project=project, author=author, text=text, changelog=changelog
    )


def test_annotations_under_version_filter():
    project = ProjectFactory()
    admin, anna = annotator(project, "boss", Role.ADMIN), annotator(project, "anna")
    a1, a2, a3 = ArticleFactory.create_batch(3, project=project, text=TEXT)
    v1_work = annotate(a1, anna, [span(TEXT, "Siemens", "ORG")], status="draft")
    publish(project, admin, "v2")
    v2_work = annotate(a2, anna, status="draft")
    publish(project, admin, "v3")
    v3_work = annotate(a3, anna, status="draft")
    GoldAnnotationFactory(
        article=a1,
        reviewer=admin,
        status="draft",
        guideline_version=project.guideline_versions.get(number=1),
    )
    other = ProjectFactory()  # same numbers in another project never leak in
    annotate(
        ArticleFactory(project=other, text=TEXT),
        annotator(other, "zed"),
        status="draft",
    )

    def ids(n):
        return set(
            annotations_under_guideline_version(
                project=project, max_version=n
            ).values_list("pk", flat=True)
        )

    assert ids(1) == {v1_work.pk}
    assert ids(2) == {v1_work.pk, v2_work.pk}
    assert ids(3) == {v1_work.pk, v2_work.pk, v3_work.pk}
    assert ids(0) == set()
    assert gold_under_guideline_version(project=project, max_version=1).count() == 1
    assert gold_under_guideline_version(project=project, max_version=0).count() == 0


def test_notice_after_a_new_version_until_acknowledged():
    project = ProjectFactory()
    admin, anna = annotator(project, "boss", Role.ADMIN), annotator(project, "anna")
    ml = annotator(project, "ml", Role.ML_ENGINEER)
    assert guideline_notice_for_user(user=anna, project=project) is None
    old_text = project.guideline_versions.get().text
    v2 = publish(project, admin, old_text + "\nNew rule: mark tickers.\n", "Tickers")
    notice = guideline_notice_for_user(user=anna, project=project)
    assert (notice.baseline.number, notice.latest.number) == (1, 2)
    assert [v.changelog for v in notice.versions] == ["Tickers"]
    assert "mark tickers" in str(notice.diff_html)
    # The author has read what they wrote; ML engineers do not annotate.
    assert guideline_notice_for_user(user=admin, project=project) is None
    assert guideline_notice_for_user(user=ml, project=project) is None
    guideline_acknowledge(user=anna, version=v2)
    assert guideline_notice_for_user(user=anna, project=project) is None


def test_diff_runs_from_the_members_baseline():
    project = ProjectFactory()
    admin, anna = annotator(project, "boss", Role.ADMIN), annotator(project, "anna")
    publish(project, admin, "second text", "v2")
    work = ArticleFactory(project=project, text=TEXT)
    annotate(work, anna, status="draft")  # anna worked under v2
    publish(project, admin, "third text", "v3")
    notice = guideline_notice_for_user(user=anna, project=project)
    assert notice.baseline.number == 2
    assert "<del>second</del> text" in str(notice.diff_html)
    assert "<ins>third</ins> text" in str(notice.diff_html)


def test_new_members_are_not_told_about_older_changes():
    project = ProjectFactory()
    admin = annotator(project, "boss", Role.ADMIN)
    publish(project, admin, "v2 text")
    newcomer = annotator(project, "newcomer")
    assert guideline_notice_for_user(user=newcomer, project=project) is None


def test_scheme_changes_are_listed_in_the_notice():
    project = ProjectFactory()
    admin, anna = annotator(project, "boss", Role.ADMIN), annotator(project, "anna")
    scheme = dict(project.scheme)
    scheme["span_labels"] = [
        *scheme["span_labels"],
        {"key": "RUMOUR", "name": "Rumour"},
    ]
    guideline_version_publish(
        project=project, author=admin, text="x", changelog="Rumours", scheme=scheme
    )
    notice = guideline_notice_for_user(user=anna, project=project)
    assert [(c.kind, c.key) for c in notice.scheme_changes] == [
        ("label_added", "RUMOUR")
    ]
