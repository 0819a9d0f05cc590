"""The demo loader: contract users and projects, idempotent."""

import pytest
from django.contrib.auth import get_user_model

from annotations.choices import Role
from annotations.models import (
    Article,
    GuidelineVersion,
    Membership,
    Prediction,
    Project,
)
from annotations.services.demo import DEMO_PASSWORD, demo_articles, demo_load

pytestmark = pytest.mark.django_db


def snapshot():
    users = get_user_model().objects.order_by("username")
    return {
        "users": list(users.values_list("username", "password", "is_superuser")),
        "projects": list(
            Project.objects.values_list("slug", "language", "overlap", "scheme")
        ),
        "memberships": sorted(
            Membership.objects.values_list("project__slug", "user__username", "role")
        ),
        "articles": list(
            Article.objects.order_by("id").values_list(
                "id", "external_id", "content_hash"
            )
        ),
        "predictions": list(
            Prediction.objects.order_by("id").values_list("id", "pipeline_version")
        ),
        "guidelines": list(
            GuidelineVersion.objects.values_list("project__slug", "number")
        ),
    }


def test_demo_matches_the_contract(settings):
    settings.NEWSROOM_DEMO_PASSWORDS = True
    demo_load()
    assert set(Project.objects.values_list("slug", "language")) == {
        ("demo-en", "en"),
        ("demo-de", "de"),
    }
    for project in Project.objects.all():
        assert project.overlap == 2
        assert project.guideline_versions.count() == 1
        roles = dict(project.memberships.values_list("user__username", "role"))
        assert roles == {
            "admin": Role.ADMIN,
            "reviewer": Role.REVIEWER,
            "anna": Role.ANNOTATOR,
            "ben": Role.ANNOTATOR,
            "ml": Role.ML_ENGINEER,
        }
        assert project.articles.count() == 30
        predicted = project.articles.filter(
            predictions__pipeline=f"fin-{project.language}"
        )
        assert predicted.distinct().count() == 30
        assert not project.articles.filter(annotations__isnull=False).exists()
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser
    assert admin.is_staff
    assert admin.check_password(DEMO_PASSWORD)


def test_demo_loader_is_idempotent(settings):
    settings.NEWSROOM_DEMO_PASSWORDS = True
    first = demo_load()
    before = snapshot()
    second = demo_load()
    assert snapshot() == before
    assert (first.articles_created, second.articles_created) == (60, 0)
    assert (first.predictions_created, second.predictions_created) == (60, 0)
    assert second.users_created == second.projects_created == []


def test_demo_passwords_only_on_the_embedded_default(settings):
    settings.NEWSROOM_DEMO_PASSWORDS = False
    demo_load()
    anna = get_user_model().objects.get(username="anna")
    assert not anna.has_usable_password()


@pytest.mark.parametrize("filename", ["articles_en.json", "articles_de.json"])
def test_demo_articles_are_varied_and_carry_the_edge_cases(filename):
    articles = demo_articles(filename)
    assert len(articles) == 30
    assert len({a["external_id"] for a in articles}) == 30
    assert len({a["meta"]["topic"] for a in articles}) >= 10
    texts = "".join(a["text"] for a in articles)
    if filename == "articles_en.json":
        assert "<script>" in texts
    else:
        assert "\r\n" in texts
        assert "\u0301" in texts
    assert any(ord(ch) > 0xFFFF for ch in texts)  # an emoji
