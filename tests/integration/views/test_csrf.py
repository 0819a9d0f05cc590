"""CSRF: a form post or a session API call without the token is refused (403).

Django's test client skips the check unless asked; these clients enforce it, as a
browser's requests are checked.
"""

import json
import re

import pytest
from django.test import Client

from annotations.choices import Role
from annotations.models import Membership, Project

pytestmark = pytest.mark.django_db


def strict_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def settings_form(name):
    return {"name": name, "description": "", "overlap": "2", "label_mapping": "{}"}


def test_page_post_without_token_is_refused(project, members):
    client = strict_client(members[Role.ADMIN])
    url = f"/projects/{project.slug}/settings/"
    assert client.post(url, settings_form("Hijacked")).status_code == 403
    assert Project.objects.get(pk=project.pk).name != "Hijacked"


def test_htmx_header_token_from_the_page_is_accepted(project, members):
    client = strict_client(members[Role.ADMIN])
    url = f"/projects/{project.slug}/settings/"
    page = client.get(url).content.decode()
    headers = json.loads(re.search(r"<body hx-headers='([^']+)'", page).group(1))
    response = client.post(
        url, settings_form("Renamed"), headers={"X-CSRFToken": headers["X-CSRFToken"]}
    )
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).name == "Renamed"


def test_session_api_write_without_token_is_refused(project, members):
    client = strict_client(members[Role.ADMIN])
    response = client.post(
        f"/api/v1/projects/{project.pk}/members/",
        {"user": members["outsider"].username, "role": "annotator"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(
        project=project, user=members["outsider"]
    ).exists()


def test_password_change_without_token_is_refused(members):
    user = members[Role.ANNOTATOR]
    response = strict_client(user).post(
        "/accounts/password/change/",
        {
            "old_password": "pw",
            "new_password1": "a-new-Passw0rd-42",
            "new_password2": "a-new-Passw0rd-42",
        },
    )
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.check_password("pw") is True
