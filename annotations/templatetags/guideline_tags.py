"""``{% guidelines_notice project %}``: the "guidelines changed" notice for the viewer.

Include it on any project page (the project page does; the annotation page
may): it renders ``annotations/settings/_guidelines_notice.html`` when the
viewer has a newer guideline version to acknowledge, and nothing otherwise.
"""

from django import template

from annotations.selectors.guidelines import guideline_notice_for_user

register = template.Library()


@register.inclusion_tag(
    "annotations/settings/_guidelines_notice.html", takes_context=True
)
def guidelines_notice(context, project):
    request = context.get("request")
    user = getattr(request, "user", None)
    notice = (
        guideline_notice_for_user(user=user, project=project)
        if user is not None and user.is_authenticated
        else None
    )
    return {
        "notice": notice,
        "project": project,
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }
