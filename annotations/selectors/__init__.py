"""Reads, scoped to what the user may see; one module per concern.

Imported by views, the API, tasks and services; imports models and the leaf
packages. The access helpers are re-exported here (``selectors.project_get_for_user``).
"""

from .access import (
    article_get_for_member,
    article_get_for_user,
    article_in_project,
    article_list_for_user,
    guideline_current,
    job_get_for_user,
    project_get_for_user,
    project_list_for_user,
    project_list_with_guideline_numbers,
    project_member_get,
    role_in_project,
)
from .guidelines import (
    annotations_under_guideline_version,
    gold_under_guideline_version,
    guideline_notice_for_user,
)

__all__ = [
    "annotations_under_guideline_version",
    "article_get_for_member",
    "article_get_for_user",
    "article_in_project",
    "article_list_for_user",
    "gold_under_guideline_version",
    "guideline_current",
    "guideline_notice_for_user",
    "job_get_for_user",
    "project_get_for_user",
    "project_list_for_user",
    "project_list_with_guideline_numbers",
    "project_member_get",
    "role_in_project",
]
