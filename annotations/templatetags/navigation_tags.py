"""``{% main_nav %}``: the top bar's links for the user and, on a project's pages, the project.

Which links a role gets is ``annotations.navigation`` (plain rules); this tag
reverses them, leaves out pages whose URL does not exist in this build (the
article pages arrive separately) and marks the link of the page being shown.
The caller's role comes from the ``project`` in the template context, read
through ``selectors.role_in_project`` when the view did not annotate it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import NoReverseMatch, reverse

from annotations.models import Project
from annotations.navigation import NavLink, project_links, site_links
from annotations.selectors import role_in_project
from annotations.services.project_admin import can_create_projects

register = template.Library()


@dataclass(frozen=True)
class ShownLink:
    key: str
    label: str
    url: str


def _shown(links: list[NavLink], slug: str | None = None) -> list[ShownLink]:
    shown = []
    for link in links:
        try:
            url = reverse(
                link.url_name, kwargs={"slug": slug} if link.takes_slug else None
            )
        except NoReverseMatch:
            continue
        shown.append(ShownLink(link.key, str(link.label), url))
    return shown


def _current(path: str, links: list[ShownLink]) -> str | None:
    """The key of the link for ``path``: the longest URL it starts with ("/" exactly)."""
    matching = [
        link
        for link in links
        if path == link.url or (link.url != "/" and path.startswith(link.url))
    ]
    if not matching:
        return None
    return max(matching, key=lambda link: len(link.url)).key


@register.inclusion_tag("annotations/_nav.html", takes_context=True)
def main_nav(context) -> dict:
    user = context.get("user")
    request = context.get("request")
    authenticated = bool(user is not None and user.is_authenticated)
    site = _shown(
        site_links(
            authenticated=authenticated,
            can_create_projects=authenticated and can_create_projects(user),
            is_staff=bool(authenticated and user.is_staff),
        )
    )
    project = context.get("project")
    in_project: list[ShownLink] = []
    if authenticated and isinstance(project, Project):
        role = role_in_project(user=user, project=project)
        in_project = _shown(
            project_links(role, feedback_enabled=project.feedback_enabled),
            slug=project.slug,
        )
    path = request.path if request is not None else ""
    return {
        "user": user,
        "authenticated": authenticated,
        "site_links": site,
        "project": project if in_project else None,
        "project_links": in_project,
        "current": _current(path, site + in_project),
        "csrf_token": context.get("csrf_token"),
    }
