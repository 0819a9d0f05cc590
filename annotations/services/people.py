"""People: project admins create accounts and invite by e-mail.

Imported by the members settings page (``views.settings.members``); imports the
models, Django's auth (user model, password validation, the password-reset
token generator), its mail API, ``services.project_admin`` (``member_add``,
the service of ``POST /api/v1/projects/{id}/members/``) and
``services.projects.membership_set``. The mail's text comes from
``templates/registration/invitation_*.txt``.

Decisions:

* **Invitations** (``member_invite``) go by e-mail address. An active account
  with that address joins the project (and is told so by mail); without one, a
  new account is made with no usable password, and the mail carries a link to
  Django's set-a-new-password page (``password_reset_confirm``, the same token
  generator as "forgot my password"): it works once, for
  ``PASSWORD_RESET_TIMEOUT`` (a day), and a new one can be sent
  (``invitation_resend``) until the person has chosen a password. The mail goes
  through ``EMAIL_BACKEND`` (console in ``local``, SMTP by settings); when it
  cannot be sent nothing is kept, so no account is left without a way in.
* **Accounts with a password** (``member_create``): for sites without mail, the
  admin sets a first password (Django's password validators apply) and tells it
  to the person, who can change it at ``/accounts/password/change/``.
* Either way the account joins only the inviting admin's project, in the role
  chosen; it gets no staff rights.
"""

from __future__ import annotations

import logging
import re
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from annotations.choices import Role
from annotations.models import Membership, Project
from annotations.services.project_admin import member_add
from annotations.services.projects import membership_set

logger = logging.getLogger(__name__)

USERNAME_MAX = 150
NOT_USERNAME_CHARS = re.compile(r"[^\w.@+-]")


@dataclass(frozen=True)
class Invitation:
    """What ``member_invite`` did: the membership, and whether the account is new."""

    membership: Membership
    new_account: bool


def _role_check(role: str) -> None:
    if role not in Role.values:
        raise ValidationError({"role": [f"Unknown role {role!r}."]})


def _username_from_email(email: str) -> str:
    """A free username from the address's local part: ``anna``, else ``anna2``..."""
    users = get_user_model().objects
    base = NOT_USERNAME_CHARS.sub("", email.split("@", 1)[0])[: USERNAME_MAX - 4]
    base = base or "user"
    candidate, number = base, 1
    while users.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate


def _account_new(*, username: str, email: str, password: str | None):
    """A new active account; no usable password when ``password`` is None."""
    user = get_user_model()(username=username, email=email, is_active=True)
    if password is None:
        user.set_unusable_password()
    else:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from error
        user.set_password(password)
    user.full_clean()
    user.save()
    return user


def invitation_link(*, user: AbstractBaseUser, site_url: str) -> str:
    """The absolute URL where ``user`` chooses a password (one use, one day)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return site_url.rstrip("/") + path


def _mail(*, membership: Membership, invited_by, site_url: str) -> None:
    """Tell the person they joined; with the set-a-password link if they need one."""
    user = membership.user
    needs_password = not user.has_usable_password()
    context = {
        "user": user,
        "project": membership.project,
        "role": membership.get_role_display(),
        "invited_by": invited_by.get_username() if invited_by else "",
        "link": invitation_link(user=user, site_url=site_url)
        if needs_password
        else site_url.rstrip("/") + reverse("login"),
        "needs_password": needs_password,
        "valid_hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600),
    }
    subject = render_to_string("registration/invitation_subject.txt", context)
    body = render_to_string("registration/invitation_email.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, None, [user.email])
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("invitation mail to %s failed: %s", user.email, error)
        raise ValidationError(
            {"email": [f"The invitation could not be sent ({error}); try again."]}
        ) from error


@transaction.atomic
def member_invite(
    *,
    project: Project,
    email: str,
    role: str,
    invited_by: AbstractBaseUser,
    site_url: str,
    username: str = "",
) -> Invitation:
    """Invite ``email`` into the project in ``role`` (see the module's decisions).

    ``site_url`` is the site's address as the person reaches it (the links in the
    mail). ValidationError for a bad address, role or username, for an address
    that several accounts share, and when the mail cannot be sent; ConflictError
    (409) when the account is a member already.
    """
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": error.messages}) from error
    _role_check(role)
    existing = list(
        get_user_model().objects.filter(email__iexact=email, is_active=True)[:2]
    )
    if len(existing) > 1:
        raise ValidationError(
            {"email": ["Several accounts use this address; add one by username."]}
        )
    if existing:
        membership = member_add(
            project=project, username=existing[0].get_username(), role=role
        )
    else:
        user = _account_new(
            username=username.strip() or _username_from_email(email),
            email=email,
            password=None,
        )
        membership = membership_set(project=project, user=user, role=role)
    _mail(membership=membership, invited_by=invited_by, site_url=site_url)
    return Invitation(membership=membership, new_account=not existing)


@transaction.atomic
def member_create(
    *, project: Project, username: str, password: str, role: str, email: str = ""
) -> Membership:
    """A new account with a first password, member of the project in ``role``.

    ValidationError (by field) for a taken or malformed username, a password the
    validators refuse, a bad address or role.
    """
    _role_check(role)
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise ValidationError({"email": error.messages}) from error
    if not password:
        raise ValidationError({"password": ["Choose a first password."]})
    user = _account_new(username=username.strip(), email=email, password=password)
    return membership_set(project=project, user=user, role=role)


def invitation_resend(
    *, project: Project, user: AbstractBaseUser, invited_by, site_url: str
) -> None:
    """A new set-a-password link for a member who has not chosen a password yet."""
    membership = Membership.objects.filter(project=project, user=user).first()
    if membership is None:
        raise ValidationError({"user": ["Not a member of this project."]})
    if user.has_usable_password():
        raise ValidationError(
            {
                "user": [
                    f"{user.get_username()} has a password already; "
                    "they can reset it from the login page."
                ]
            }
        )
    if not user.email:
        raise ValidationError(
            {"user": [f"{user.get_username()} has no e-mail address."]}
        )
    _mail(membership=membership, invited_by=invited_by, site_url=site_url)
