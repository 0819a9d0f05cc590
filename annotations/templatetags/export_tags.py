"""``{{ value|pretty_json }}``: a release's manifest or changelog as indented JSON text.

The result is plain text, so the template still escapes it.
"""

import json

from django import template

register = template.Library()


@register.filter
def pretty_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str)
