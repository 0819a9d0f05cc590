"""The demo data set of ``make run``: users, one project per language, articles.

Idempotent: objects are looked up by username, slug and external_id, and
nothing that exists is changed, so running it twice changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from annotations.choices import Role
from annotations.models import Project
from annotations.services.articles import articles_import
from annotations.services.projects import membership_set, project_create

DEMO_DATA_DIR = Path(__file__).resolve().parent.parent / "demo" / "data"
DEMO_PASSWORD = "newsroom"  # noqa: S105 - documented demo password, embedded default only
DEMO_USERS = {
    "admin": Role.ADMIN,
    "reviewer": Role.REVIEWER,
    "anna": Role.ANNOTATOR,
    "ben": Role.ANNOTATOR,
    "ml": Role.ML_ENGINEER,
}
DEMO_PROJECTS = [
    {
        "slug": "demo-en",
        "name": "Financial news (English) · demo",
        "language": "en",
        "pipeline": "fin-en",
        "file": "articles_en.json",
    },
    {
        "slug": "demo-de",
        "name": "Finanznachrichten (Deutsch) · Demo",
        "language": "de",
        "pipeline": "fin-de",
        "file": "articles_de.json",
    },
]


@dataclass
class DemoResult:
    users_created: list[str] = field(default_factory=list)
    projects_created: list[str] = field(default_factory=list)
    articles_created: int = 0
    predictions_created: int = 0
    passwords_set: bool = False


def demo_articles(filename: str) -> list[dict]:
    return json.loads((DEMO_DATA_DIR / filename).read_text(encoding="utf-8"))


@transaction.atomic
def demo_load() -> DemoResult:
    """Create what is missing of the demo; never touch what exists."""
    result = DemoResult(passwords_set=settings.NEWSROOM_DEMO_PASSWORDS)
    user_model = get_user_model()
    users = {}
    for username in DEMO_USERS:
        user, created = user_model.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org"}
        )
        if created:
            if username == "admin":
                user.is_staff = user.is_superuser = True
            if settings.NEWSROOM_DEMO_PASSWORDS:
                user.set_password(DEMO_PASSWORD)
            else:
                user.set_unusable_password()
            user.save()
            result.users_created.append(username)
        users[username] = user

    for spec in DEMO_PROJECTS:
        project = Project.objects.filter(slug=spec["slug"]).first()
        if project is None:
            project = project_create(
                slug=spec["slug"],
                name=spec["name"],
                language=spec["language"],
                created_by=users["admin"],
                overlap=2,
                pipeline=spec["pipeline"],
            )
            result.projects_created.append(project.slug)
        for username, role in DEMO_USERS.items():
            if not project.memberships.filter(user=users[username]).exists():
                membership_set(project=project, user=users[username], role=role)
        imported = articles_import(
            project=project, items=demo_articles(spec["file"]), preannotate=False
        )
        result.articles_created += imported.created_count
        result.predictions_created += _preannotate_now(project)
    return result


def _preannotate_now(project: Project) -> int:
    """Pre-annotate the demo in-process, so it is ready before any worker starts."""
    from annotations.services.preannotation import (
        pipeline_spec_for_project,
        preannotate_articles,
    )

    spec = pipeline_spec_for_project(project)
    ids = list(project.articles.values_list("id", flat=True))
    return preannotate_articles(project=project, spec=spec, article_ids=ids).created
