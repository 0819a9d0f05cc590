"""Login lockout (django-axes) and the password change and reset pages.

Failed logins are counted per username on the site's and the admin's login page;
after ``AXES_FAILURE_LIMIT`` failures even the right password is refused, with a
styled page (429), until the cool-off has passed or the password is reset.
"""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture
def lockout_settings(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    return settings


def attempt(client, url, username, password):
    return client.post(url, {"username": username, "password": password})


def fail_until_locked(client, url, username, limit=3):
    responses = [attempt(client, url, username, "wrong") for _ in range(limit)]
    assert all(r.status_code == 200 for r in responses[:-1]), "locked too early"
    return responses[-1]


def test_wrong_passwords_lock_the_account_with_a_styled_page(lockout_settings):
    UserFactory(username="anna")
    client = Client()
    locked = fail_until_locked(client, LOGIN, "anna")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert 'data-testid="locked-out"' in html
    assert "Try again in 15 minutes" in html
    assert "locked after 3 failed logins" in html
    assert 'href="/accounts/password/reset/"' in html
    assert '<link rel="stylesheet"' in html  # our page, not a bare message


def test_right_password_is_refused_while_locked(lockout_settings):
    UserFactory(username="anna")
    client = Client()
    fail_until_locked(client, LOGIN, "anna")
    other_browser = Client()
    response = attempt(other_browser, LOGIN, "anna", "pw")
    assert response.status_code == 429
    assert "_auth_user_id" not in other_browser.session


def test_failures_below_the_limit_do_not_lock(lockout_settings):
    UserFactory(username="anna")
    client = Client()
    for _ in range(2):
        assert attempt(client, LOGIN, "anna", "wrong").status_code == 200
    response = attempt(client, LOGIN, "anna", "pw")
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_lock_is_per_username(lockout_settings):
    UserFactory(username="anna")
    UserFactory(username="ben")
    client = Client()
    fail_until_locked(client, LOGIN, "anna")
    assert attempt(client, LOGIN, "ben", "pw").status_code == 302


def test_unlocked_after_the_cool_off(lockout_settings):
    UserFactory(username="anna")
    fail_until_locked(Client(), LOGIN, "anna")
    assert attempt(Client(), LOGIN, "anna", "pw").status_code == 429
    lockout_settings.AXES_COOLOFF_TIME = timedelta(seconds=0)
    response = attempt(Client(), LOGIN, "anna", "pw")
    assert response.status_code == 302
    assert response.url == "/"


def test_admin_login_is_locked_too(lockout_settings):
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    client = Client()
    locked = fail_until_locked(client, ADMIN_LOGIN, "boss")
    assert locked.status_code == 429
    assert 'data-testid="locked-out"' in locked.content.decode()
    assert attempt(Client(), ADMIN_LOGIN, "boss", "pw").status_code == 429
    # The lock is the account's: the site's login page refuses it as well.
    assert attempt(Client(), LOGIN, "boss", "pw").status_code == 429


def test_a_password_reset_lifts_the_lock(lockout_settings):
    UserFactory(username="anna", email="anna@example.org")
    fail_until_locked(Client(), LOGIN, "anna")
    reset_password(Client(), "anna@example.org", "a-new-Passw0rd-42")
    assert attempt(Client(), LOGIN, "anna", "a-new-Passw0rd-42").status_code == 302


def test_commands_and_token_api_work_for_a_locked_account(lockout_settings, api_client):
    """Management commands and token clients never log in, so a lock leaves them be."""
    UserFactory(username="ml")
    fail_until_locked(Client(), LOGIN, "ml")
    out = StringIO()
    call_command("create_api_token", "ml", stdout=out)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}")
    assert api_client.get("/api/v1/projects/").status_code == 200
    assert attempt(Client(), LOGIN, "ml", "pw").status_code == 429


# --- password change ------------------------------------------------------------


def test_user_menu_links_to_password_change():
    client = Client()
    client.force_login(UserFactory(username="anna"))
    home = client.get("/").content.decode()
    assert 'data-testid="user-menu-password"' in home
    assert 'href="/accounts/password/change/"' in home


def test_password_change_needs_login():
    response = Client().get("/accounts/password/change/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_password_change_refuses_a_wrong_old_password_in_place():
    user = UserFactory(username="anna")
    client = Client()
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": "nope",
            "new_password1": "a-new-Passw0rd-42",
            "new_password2": "a-new-Passw0rd-42",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="password-change"' in html
    assert 'role="alert"' in html
    user.refresh_from_db()
    assert user.check_password("pw") is True


def test_password_change_sets_the_new_password():
    user = UserFactory(username="anna")
    client = Client()
    client.force_login(user)
    page = client.get("/accounts/password/change/")
    assert 'data-testid="password-change"' in page.content.decode()
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": "pw",
            "new_password1": "a-new-Passw0rd-42",
            "new_password2": "a-new-Passw0rd-42",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/accounts/password/change/done/"
    assert 'data-testid="password-change-done"' in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("a-new-Passw0rd-42") is True


# --- password reset ---------------------------------------------------------------


def reset_password(client, email, new_password):
    """The whole reset flow through the e-mail outbox; returns the final response."""
    mail.outbox.clear()
    sent = client.post("/accounts/password/reset/", {"email": email}, follow=True)
    assert sent.redirect_chain[-1][0] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    link = re.search(
        r"https?://[^/\s]+(/accounts/password/reset/\S+/)", mail.outbox[0].body
    )
    assert link, mail.outbox[0].body
    form = client.get(link.group(1), follow=True)
    assert 'data-testid="password-reset-confirm"' in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    done = client.post(
        set_url,
        {"new_password1": new_password, "new_password2": new_password},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == "/accounts/password/reset/done/"
    return done


def test_login_page_links_to_password_reset():
    html = Client().get(LOGIN).content.decode()
    assert 'data-testid="forgot-password"' in html
    assert 'href="/accounts/password/reset/"' in html


def test_whole_password_reset_flow():
    user = UserFactory(username="anna", email="anna@example.org")
    client = Client()
    done = reset_password(client, "anna@example.org", "a-new-Passw0rd-42")
    assert 'data-testid="password-reset-complete"' in done.content.decode()
    message = mail.outbox[0]
    assert message.to == ["anna@example.org"]
    assert "anna" in message.body
    assert "24 hours" in message.body
    user.refresh_from_db()
    assert user.check_password("a-new-Passw0rd-42") is True
    assert user.check_password("pw") is False
    login = Client()
    assert attempt(login, LOGIN, "anna", "a-new-Passw0rd-42").status_code == 302


def test_reset_link_works_once():
    UserFactory(username="anna", email="anna@example.org")
    client = Client()
    reset_password(client, "anna@example.org", "a-new-Passw0rd-42")
    link = re.search(r"(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    again = Client().get(link, follow=True)
    html = again.content.decode()
    assert "invalid" in html
    assert 'href="/accounts/password/reset/"' in html


def test_reset_for_an_unknown_address_sends_nothing_and_says_the_same():
    UserFactory(username="anna", email="anna@example.org")
    mail.outbox.clear()
    response = Client().post(
        "/accounts/password/reset/", {"email": "nobody@example.org"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_reset_refuses_a_weak_password_in_place():
    user = UserFactory(username="anna", email="anna@example.org")
    client = Client()
    client.post("/accounts/password/reset/", {"email": "anna@example.org"})
    link = re.search(r"(/accounts/password/reset/\S+/)", mail.outbox[-1].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("pw") is True
