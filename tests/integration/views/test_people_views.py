"""The members tab's new forms (invite by e-mail, create an account, resend the link),
the invitation link through Django's set-a-password page, and the release setting."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from annotations.choices import Role

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/accounts/password/reset/[^/]+/[^/]+/)")


def members_url(project) -> str:
    return f"/projects/{project.slug}/settings/members/"


def logs_in(client, username: str, password: str) -> bool:
    """Log in through the login page (django-axes needs the request)."""
    response = client.post(
        "/accounts/login/", {"username": username, "password": password}
    )
    return response.status_code == 302 and response["Location"] == "/"


def test_invited_person_sets_a_password_through_the_link_and_logs_in(
    client, project, members
):
    client.force_login(members[Role.ADMIN])
    response = client.post(
        members_url(project),
        {"action": "invite", "email": "dora@example.org", "role": "annotator"},
        follow=True,
    )
    page = response.content.decode()
    assert "Invitation sent to dora@example.org" in page
    assert 'data-testid="invited-dora"' in page
    assert 'data-testid="resend-dora"' in page
    link = LINK.search(mail.outbox[0].body).group(1)

    client.logout()
    form = client.get(link, follow=True)  # Django swaps the token into the session
    assert 'data-testid="password-reset-confirm"' in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "tulip-garden-81", "new_password2": "tulip-garden-81"},
        follow=True,
    )
    assert done.status_code == 200
    assert logs_in(client, "dora", "tulip-garden-81") is True
    home = client.get("/").content.decode()
    assert f'data-testid="start-{project.slug}"' in home
    client.logout()
    assert client.get(link, follow=True).context["validlink"] is False  # used once


def test_refusals_are_shown_in_the_form_that_failed(client, project, members):
    client.force_login(members[Role.ADMIN])
    response = client.post(
        members_url(project),
        {"action": "invite", "email": "nope", "username": "dora", "role": "reviewer"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    invite_form = page[page.index('data-testid="member-invite"') :]
    invite_form = invite_form[: invite_form.index("</form>")]
    assert 'data-testid="member-errors"' in invite_form
    assert "valid email" in invite_form
    assert 'value="nope"' in invite_form  # what the admin typed stays
    assert '<option value="reviewer" selected>' in invite_form
    assert mail.outbox == []

    response = client.post(
        members_url(project),
        {"action": "create", "username": "gina", "password": "123", "role": "admin"},
    )
    page = response.content.decode()
    create_form = page[page.index('data-testid="member-create"') :]
    create_form = create_form[: create_form.index("</form>")]
    assert "too short" in create_form
    assert "123" not in create_form  # never echo a password
    assert not get_user_model().objects.filter(username="gina").exists()


def test_admin_creates_an_account_with_a_first_password(client, project, members):
    client.force_login(members[Role.ADMIN])
    response = client.post(
        members_url(project),
        {
            "action": "create",
            "username": "fritz",
            "email": "",
            "password": "kettle-drum-44",
            "role": "ml_engineer",
        },
    )
    assert response.status_code == 302
    assert project.memberships.get(user__username="fritz").role == Role.ML_ENGINEER
    client.logout()
    assert logs_in(client, "fritz", "kettle-drum-44") is True


def test_resend_sends_a_new_link(client, project, members):
    client.force_login(members[Role.ADMIN])
    client.post(
        members_url(project),
        {"action": "invite", "email": "ivo@example.org", "role": "annotator"},
    )
    response = client.post(f"{members_url(project)}ivo/", {"resend": "1"}, follow=True)
    assert "A new link was sent to ivo@example.org" in response.content.decode()
    assert len(mail.outbox) == 2
    refused = client.post(
        f"{members_url(project)}{members[Role.REVIEWER].username}/",
        {"resend": "1"},
        follow=True,
    )
    assert "has a password already" in refused.content.decode()


def test_unknown_action_is_refused(client, project, members):
    client.force_login(members[Role.ADMIN])
    response = client.post(members_url(project), {"action": "promote"})
    assert "Unknown action promote" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (Role.REVIEWER, 403),
        (Role.ANNOTATOR, 403),
        (Role.ML_ENGINEER, 403),
        ("outsider", 404),
    ],
)
def test_only_project_admins_invite_or_create(client, project, members, who, status):
    client.force_login(members[who])
    for data in (
        {"action": "invite", "email": "x@example.org", "role": "admin"},
        {"action": "create", "username": "x", "password": "kettle-drum-44"},
    ):
        assert client.post(members_url(project), data).status_code == status
    assert mail.outbox == []
    assert not get_user_model().objects.filter(username="x").exists()


def test_release_setting_on_the_general_tab(client, project, members):
    client.force_login(members[Role.ADMIN])
    url = f"/projects/{project.slug}/settings/"
    assert 'data-testid="ml-can-cut-releases"' in client.get(url).content.decode()
    form = {
        "name": project.name,
        "overlap": "2",
        "label_mapping": "{}",
        "ml_can_cut_releases": "on",
    }
    assert client.post(url, form).status_code == 302
    project.refresh_from_db()
    assert project.ml_can_cut_releases is True
    del form["ml_can_cut_releases"]
    client.post(url, form)
    project.refresh_from_db()
    assert project.ml_can_cut_releases is False
