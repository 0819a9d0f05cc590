"""services.people: invitations by e-mail and accounts with a first password."""

from __future__ import annotations

import re
import smtplib

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from annotations.choices import Role
from annotations.errors import ConflictError
from annotations.services import people
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SITE = "http://newsroom.example/"
LINK = re.compile(r"http://newsroom\.example/accounts/password/reset/([^/]+)/([^/]+)/")


class FailingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("connection refused")


def invite(project, members, email, **extra):
    return people.member_invite(
        project=project,
        email=email,
        role=extra.pop("role", Role.ANNOTATOR),
        invited_by=members[Role.ADMIN],
        site_url=SITE,
        **extra,
    )


def test_invite_makes_an_account_without_password_and_mails_a_working_link(
    project, members
):
    invitation = invite(project, members, "Dora.Diaz@example.org", role=Role.REVIEWER)
    user = invitation.membership.user
    assert invitation.new_account is True
    assert (user.username, user.email) == ("Dora.Diaz", "Dora.Diaz@example.org")
    assert user.has_usable_password() is False
    assert invitation.membership.role == Role.REVIEWER
    (message,) = mail.outbox
    assert message.to == ["Dora.Diaz@example.org"]
    assert project.name in message.subject
    assert "Reviewer" in message.body
    assert members[Role.ADMIN].username in message.body
    uidb64, token = LINK.search(message.body).groups()
    assert force_str(urlsafe_base64_decode(uidb64)) == str(user.pk)
    assert default_token_generator.check_token(user, token) is True


def test_invite_picks_a_free_username(project, members):
    UserFactory(username="dora", email="other@example.org")
    invitation = invite(project, members, "dora@example.org")
    assert invitation.membership.user.username == "dora2"
    named = invite(project, members, "x+y@example.org", username="xavier")
    assert named.membership.user.username == "xavier"


def test_invite_of_an_existing_address_adds_that_account(project, members):
    carla = UserFactory(username="carla", email="carla@example.org")
    invitation = invite(project, members, "CARLA@example.org")
    assert invitation.new_account is False
    assert invitation.membership.user == carla
    assert (
        get_user_model().objects.filter(email__iexact="carla@example.org").count() == 1
    )
    (message,) = mail.outbox
    assert "/accounts/login/" in message.body
    assert not LINK.search(message.body)  # she has a password: no reset link
    with pytest.raises(ConflictError, match="already a member"):
        invite(project, members, "carla@example.org")


@pytest.mark.parametrize(
    ("email", "extra", "field", "message"),
    [
        ("not-an-address", {}, "email", "valid email"),
        ("ok@example.org", {"role": "boss"}, "role", "Unknown role"),
        ("ok@example.org", {"username": "has space"}, "username", "valid username"),
    ],
)
def test_invite_refuses_bad_input(project, members, email, extra, field, message):
    with pytest.raises(ValidationError) as caught:
        invite(project, members, email, **extra)
    assert message in " ".join(caught.value.message_dict[field])
    assert mail.outbox == []
    assert not get_user_model().objects.filter(email=email).exists()


def test_an_address_shared_by_two_accounts_is_refused(project, members):
    UserFactory(username="twin1", email="twins@example.org")
    UserFactory(username="twin2", email="twins@example.org")
    with pytest.raises(ValidationError, match="Several accounts"):
        invite(project, members, "twins@example.org")


def test_nothing_is_kept_when_the_mail_cannot_be_sent(project, members, settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    with pytest.raises(ValidationError, match="could not be sent"):
        invite(project, members, "eve@example.org")
    assert not get_user_model().objects.filter(email="eve@example.org").exists()


def test_member_create_sets_a_validated_first_password(project, members):
    membership = people.member_create(
        project=project, username="fritz", password="kettle-drum-44", role="annotator"
    )
    assert membership.user.check_password("kettle-drum-44") is True
    assert membership.project == project
    with pytest.raises(ValidationError) as caught:
        people.member_create(
            project=project, username="gina", password="123", role="annotator"
        )
    assert "too short" in " ".join(caught.value.message_dict["password"])
    with pytest.raises(ValidationError) as caught:
        people.member_create(
            project=project,
            username="fritz",
            password="kettle-drum-44",
            role="annotator",
        )
    assert "already exists" in " ".join(caught.value.message_dict["username"])
    with pytest.raises(ValidationError, match="first password"):
        people.member_create(
            project=project, username="hans", password="", role="admin"
        )
    assert mail.outbox == []


def test_resend_only_for_members_who_have_no_password(project, members):
    user = invite(project, members, "ivo@example.org").membership.user
    people.invitation_resend(
        project=project, user=user, invited_by=members[Role.ADMIN], site_url=SITE
    )
    assert len(mail.outbox) == 2
    assert LINK.search(mail.outbox[1].body)
    with pytest.raises(ValidationError, match="has a password already"):
        people.invitation_resend(
            project=project,
            user=members[Role.REVIEWER],
            invited_by=members[Role.ADMIN],
            site_url=SITE,
        )
    with pytest.raises(ValidationError, match="Not a member"):
        people.invitation_resend(
            project=project,
            user=members["outsider"],
            invited_by=members[Role.ADMIN],
            site_url=SITE,
        )
