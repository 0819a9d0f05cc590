"""``{{ value|as_json }}``: a history value (answers, scheme, settings) as JSON text.

The result is plain text, so the template still escapes it.
"""

from django import template

from annotations.changes import to_json

register = template.Library()


@register.filter
def as_json(value) -> str:
    return to_json(value)
