"""Every kind of change leaves a record: who, when, before and after (spans included).

Changes are made through the real doors (pages, API) so the acting user comes
from the request, or through services where a task or command would call them.
"""

from types import SimpleNamespace

import pytest
from django.test import Client

from annotations.choices import Role
from annotations.models import Annotation, GoldAnnotation, Project
from annotations.selectors.history import history_stream
from annotations.services.history import history_record
from annotations.services.releases import release_create
from annotations.services.scheme_changes import scheme_change_apply
from tests.factories import ArticleFactory, UserFactory
from tests.factories import span as span_in

pytestmark = pytest.mark.django_db

TEXT = "Siemens shares rose 5% after Deutsche Bank upgraded them to buy."
PLAIN_ARTICLE = SimpleNamespace(text=TEXT)  # offsets only; no database row


def span(fragment, label="ORG"):
    return span_in(PLAIN_ARTICLE.text, fragment, label)


def entries(project, kind, **match):
    found = [e for e in history_stream(project=project) if e.kind == kind]
    return [e for e in found if all(getattr(e, k) == v for k, v in match.items())]


def keys(spans):
    return [(s["start"], s["end"], s["label"], s["text"]) for s in spans]


@pytest.fixture
def article(project):
    return ArticleFactory(project=project, text=TEXT)


def test_project_settings_change_records_who_and_before_after(project, members):
    admin = members[Role.ADMIN]
    client = Client()
    client.force_login(admin)
    form = {"name": "Renamed", "description": "", "overlap": "3", "pipeline": ""}
    form["label_mapping"] = "{}"
    assert client.post(f"/projects/{project.slug}/settings/", form).status_code == 302
    [created, *changes] = entries(project, "project")
    assert created.action == "created"
    change = changes[-1]
    assert change.user == admin.username
    shown = {c.name: (c.before, c.after) for c in change.changes}
    assert shown["overlap"] == (2, 3)
    assert shown["name"][1] == "Renamed"


def test_memberships_added_changed_and_removed_are_recorded(
    api_client, project, members
):
    admin = members[Role.ADMIN]
    newcomer = UserFactory(username="newcomer")
    api_client.force_authenticate(admin)
    base = f"/api/v1/projects/{project.pk}/members/"
    body = {"user": "newcomer", "role": "annotator"}
    assert api_client.post(base, body, format="json").status_code == 201
    patch = api_client.patch(f"{base}newcomer/", {"role": "reviewer"}, format="json")
    assert patch.status_code == 200
    assert api_client.delete(f"{base}newcomer/").status_code == 204
    records = entries(project, "membership", author=newcomer.username)
    assert [e.action for e in records] == ["created", "changed", "deleted"]
    assert {e.user for e in records} == {admin.username}
    role_change = {c.name: (c.before, c.after) for c in records[1].changes}
    assert role_change == {"role": ("annotator", "reviewer")}


def test_annotation_changes_keep_the_spans_before_and_after(
    api_client, article, members
):
    anna = members[Role.ANNOTATOR]
    api_client.force_authenticate(anna)
    url = f"/api/v1/articles/{article.pk}/my-annotation/"
    first = {"spans": [span("Siemens")], "labels": {"sentiment": "positive"}}
    assert api_client.put(url, first, format="json").status_code == 201
    second = {
        "spans": [span("Deutsche Bank")],
        "labels": {"sentiment": "negative"},
        "version": 1,
    }
    assert api_client.put(url, second, format="json").status_code == 200
    created, changed = entries(article.project, "annotation")
    assert created.action == "created"
    assert keys(created.spans_after) == keys([span("Siemens")])
    assert changed.user == anna.username
    assert keys(changed.spans_before) == keys([span("Siemens")])
    assert keys(changed.spans_after) == keys([span("Deutsche Bank")])
    assert keys(changed.spans_added) == keys([span("Deutsche Bank")])
    assert keys(changed.spans_removed) == keys([span("Siemens")])
    labels = {c.name: (c.before, c.after) for c in changed.changes}["labels"]
    assert labels == ({"sentiment": "positive"}, {"sentiment": "negative"})
    assert changed.article_id == article.pk


def test_gold_overwrite_records_whose_work_was_replaced(api_client, article, members):
    reviewer, admin = members[Role.REVIEWER], members[Role.ADMIN]
    url = f"/api/v1/articles/{article.pk}/gold/"
    api_client.force_authenticate(reviewer)
    body = {"spans": [span("Siemens")], "labels": {}, "status": "draft"}
    assert api_client.post(url, body, format="json").status_code == 201
    api_client.force_authenticate(admin)
    body = {"spans": [span("Deutsche Bank")], "labels": {}, "status": "draft"}
    assert api_client.post(url, {**body, "version": 1}, format="json").status_code in (
        200,
        201,
    )
    first, second = entries(article.project, "gold")
    assert (first.user, first.author, first.overwrote) == (
        reviewer.username,
        reviewer.username,
        False,
    )
    assert second.user == admin.username
    assert second.author == admin.username
    assert second.previous_author == reviewer.username
    assert second.overwrote is True
    assert keys(second.spans_before) == keys([span("Siemens")])
    assert keys(second.spans_after) == keys([span("Deutsche Bank")])
    reviewer_change = {c.name: (c.before, c.after) for c in second.changes}["reviewer"]
    assert reviewer_change == (reviewer.username, admin.username)


def test_a_deleted_annotation_keeps_its_last_spans(project, article, members):
    from tests.factories import annotate as submit

    annotation = submit(article, members[Role.ANNOTATOR], spans=[span("Siemens")])
    Annotation.objects.get(pk=annotation.pk).delete()
    *_, deleted = entries(project, "annotation")
    assert deleted.action == "deleted"
    assert keys(deleted.spans_before) == keys([span("Siemens")])
    assert deleted.spans_after is None
    assert deleted.user == "system"


def test_release_records_its_author_also_when_a_worker_made_it(project, members):
    admin = members[Role.ADMIN]
    release = release_create(project=project, created_by=admin, note="first")
    [created] = entries(project, "release")
    assert created.action == "created"
    assert created.user == admin.username  # no request: the release's author
    assert created.object_id == release.pk
    assert {c.name for c in created.changes} >= {"number", "note", "manifest"}


def test_scheme_change_rewriting_spans_is_recorded(project, article, members):
    from tests.factories import annotate as submit

    submit(article, members[Role.ANNOTATOR], spans=[span("Siemens")])
    scheme = Project.objects.get(pk=project.pk).scheme
    scheme["span_labels"] = [s for s in scheme["span_labels"] if s["key"] != "ORG"]
    admin = members[Role.ADMIN]
    scheme_change_apply(
        project=project,
        new_scheme=scheme,
        actions={"label:ORG": "drop:1"},
        author=admin,
    )
    *_, rewritten = entries(project, "annotation")
    assert rewritten.reason == "scheme change"
    assert rewritten.user == admin.username
    assert keys(rewritten.spans_removed) == keys([span("Siemens")])
    assert rewritten.spans_after == []


def test_records_outside_a_request_are_by_system(project, article, members):
    from tests.factories import annotate as submit

    annotation = submit(article, members[Role.ANNOTATOR], spans=[span("Siemens")])
    record = history_record(annotation)
    assert record.history_user is None
    assert entries(project, "annotation")[-1].user == "system"


def test_history_is_append_only_for_gold(project, article, members):
    from annotations.services.adjudication import gold_save

    reviewer = members[Role.REVIEWER]
    gold = gold_save(
        article=article, reviewer=reviewer, spans=[span("Siemens")], labels={}
    )
    first_record = GoldAnnotation.history.get()
    gold_save(
        article=article,
        reviewer=reviewer,
        spans=[],
        labels={},
        version=gold.version,
    )
    first_record.refresh_from_db()
    assert keys(first_record.spans) == keys([span("Siemens")])
    assert GoldAnnotation.history.count() == 2


def _form_data(form) -> dict:
    """What a browser would post back for an unchanged (bound-ready) Django form."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[form.add_prefix(name)] = [str(v) for v in value]
        else:
            data[form.add_prefix(name)] = field.widget.format_value(value) or value
    return data


def test_admin_site_edit_of_gold_is_recorded(article, members):
    from annotations.services.adjudication import gold_save

    boss = UserFactory(username="boss", is_staff=True, is_superuser=True)
    gold = gold_save(
        article=article,
        reviewer=members[Role.REVIEWER],
        spans=[span("Siemens")],
        labels={},
    )
    client = Client()
    client.force_login(boss)
    url = f"/admin/annotations/goldannotation/{gold.pk}/change/"
    page = client.get(url)
    data = _form_data(page.context["adminform"].form)
    data["note"] = "edited in the admin"
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_data(formset.management_form))
        for form in formset.forms:
            data.update(_form_data(form))
            data[form.add_prefix("DELETE")] = "on"  # drop every span
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    *_, edited = entries(article.project, "gold")
    assert edited.user == "boss"
    assert edited.reason == "admin site"
    assert keys(edited.spans_before) == keys([span("Siemens")])
    assert edited.spans_after == []
