"""Project settings pages (/projects/{slug}/settings/...): project admins only.

Anonymous users are sent to the login page, non-members get 404, members in
another role 403 (``selectors.projects.project_get_for_admin``). One module per
noun, each calling the same services as the REST API:

* ``general``: name, description, overlap, pipeline (``project_admin.project_patch``);
* ``scheme``: edit → preview with counts and an action per removal in use →
  apply, which publishes a new guideline version (``scheme_changes``);
* ``members``: invite, change role, remove (``project_admin.member_*``);
* ``guidelines``: editor with live preview, publish, diff between versions
  (``guidelines.guideline_version_publish``);
* ``projects``: ``/new-project/`` for site staff (German/English template) and
  the clone form (``project_admin.project_create_from_template``,
  ``project_admin.project_clone``).

The URL conf reaches the views through this package.
"""

from annotations.views.settings.general import settings_general
from annotations.views.settings.guidelines import (
    guidelines_diff,
    guidelines_edit,
    guidelines_preview,
)
from annotations.views.settings.members import member_change, members
from annotations.views.settings.projects import project_clone, project_new
from annotations.views.settings.scheme import scheme_apply, scheme_edit

__all__ = [
    "guidelines_diff",
    "guidelines_edit",
    "guidelines_preview",
    "member_change",
    "members",
    "project_clone",
    "project_new",
    "scheme_apply",
    "scheme_edit",
    "settings_general",
]
