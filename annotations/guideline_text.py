"""Guideline text as pure rules: safe Markdown rendering, per-label help, version diffs.

A leaf module: imports no models, services or selectors (only Markdown, ``nh3``,
Django's escaping helpers and ``annotations.scheme``), so services, selectors,
views and tests all share one sanitiser and one diff.

Rendering: Markdown (tables, fenced code, lists) → HTML → ``nh3`` with an
allow-list of tags and attributes. Anything else is stripped: ``<script>`` and
``<style>`` with their content, every ``on*`` attribute, ``style``, and every
URL whose scheme is not http, https or mailto (``javascript:``, ``data:``).
Images are not allowed (no requests to other hosts from the guidelines).
Links get ``rel="noopener noreferrer nofollow"``.

Per-label sections: a Markdown heading whose text starts with a label key
(``### ORG``, ``## LOADED: loaded language``) opens that label's section,
which runs until the next heading of the same or a higher level. The
annotation page shows it next to the label together with the label's
description and its positive/negative examples from the scheme
(``span_labels[].examples``); see ``label_help``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from annotations.scheme import Scheme
from annotations.validation import text_problem

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details",
        "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
        "ins", "kbd", "li", "mark", "ol", "p", "pre", "s", "small", "span",
        "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
        "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start"},
    "code": {"class"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "sane_lists", "def_list", "abbr"]
MAX_TEXT_LENGTH = 200_000


def guidelines_render(text: str) -> SafeString:
    """Markdown to sanitised HTML, safe to insert into a page."""
    html = markdown.markdown(text or "", extensions=MARKDOWN_EXTENSIONS)
    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


# --- per-label help --------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def label_sections(text: str, label_keys: tuple[str, ...]) -> dict[str, str]:
    """The Markdown of each label's section (see the module docstring)."""
    sections: dict[str, list[str]] = {}
    current: str | None = None
    level = 0
    in_fence = False
    for line in (text or "").splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match:
            heading_level = len(match.group(1))
            title = match.group(2).strip().strip("*_`")
            key = next(
                (
                    k
                    for k in label_keys
                    if re.match(rf"^{re.escape(k)}(?![A-Za-z0-9_])", title)
                ),
                None,
            )
            if key is not None:
                current, level = key, heading_level
                sections.setdefault(key, [])
                continue
            if current is not None and heading_level <= level:
                current = None
        if current is not None:
            sections[current].append(line)
    return {key: "\n".join(lines).strip() for key, lines in sections.items()}


@dataclass(frozen=True)
class LabelHelp:
    key: str
    name: str
    description: str
    color: str
    shortcut: str
    section_html: SafeString
    positive: tuple[str, ...]
    negative: tuple[str, ...]


def label_help(scheme: Scheme, text: str) -> list[LabelHelp]:
    """What the annotation page shows next to each span label, in scheme order."""
    sections = label_sections(text, scheme.span_label_keys)
    return [
        LabelHelp(
            key=label.key,
            name=label.name,
            description=label.description,
            color=label.color,
            shortcut=label.shortcut,
            section_html=guidelines_render(sections.get(label.key, "")),
            positive=label.examples.positive,
            negative=label.examples.negative,
        )
        for label in scheme.span_labels
    ]


# --- diff ------------------------------------------------------------------------

_WORDS = re.compile(r"\s+|[^\s]+")


def _inline_diff(old: str, new: str) -> tuple[str, str]:
    """Escaped old and new line with changed words in <del>/<ins>."""
    old_words, new_words = _WORDS.findall(old), _WORDS.findall(new)
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    left, right = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        a, b = escape("".join(old_words[i1:i2])), escape("".join(new_words[j1:j2]))
        if tag == "equal":
            left.append(a)
            right.append(b)
            continue
        if a:
            left.append(f"<del>{a}</del>")
        if b:
            right.append(f"<ins>{b}</ins>")
    return "".join(left), "".join(right)


def guideline_diff_html(old_text: str, new_text: str, context: int = 3) -> SafeString:
    """A readable line diff as an HTML table; every piece of text is escaped.

    Rows: unchanged context lines, removed lines (``<del>``), added lines
    (``<ins>``); a changed line shows its changed words marked inside.
    """
    old_lines, new_lines = old_text.splitlines(), new_text.splitlines()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    rows: list[str] = []

    def row(kind: str, old_no, new_no, html: str) -> None:
        rows.append(
            f'<tr class="diff-{kind}"><td class="ln">{old_no or ""}</td>'
            f'<td class="ln">{new_no or ""}</td><td class="diff-text">{html}</td></tr>'
        )

    groups = list(matcher.get_grouped_opcodes(context))
    for index, group in enumerate(groups):
        if index:
            row("gap", "", "", "…")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for offset in range(i2 - i1):
                    row(
                        "equal",
                        i1 + offset + 1,
                        j1 + offset + 1,
                        escape(old_lines[i1 + offset]),
                    )
                continue
            if tag == "replace" and i2 - i1 == j2 - j1:
                for offset in range(i2 - i1):
                    left, right = _inline_diff(
                        old_lines[i1 + offset], new_lines[j1 + offset]
                    )
                    row("del", i1 + offset + 1, "", f"<del>−</del> {left}")
                    row("ins", "", j1 + offset + 1, f"<ins>+</ins> {right}")
                continue
            for offset in range(i2 - i1):
                line = escape(old_lines[i1 + offset])
                row("del", i1 + offset + 1, "", f"<del>− {line}</del>")
            for offset in range(j2 - j1):
                line = escape(new_lines[j1 + offset])
                row("ins", "", j1 + offset + 1, f"<ins>+ {line}</ins>")
    if not rows:
        return mark_safe('<p class="muted">The text did not change.</p>')
    return mark_safe(  # noqa: S308 - every text piece above went through escape()
        '<table class="diff" data-testid="guidelines-diff"><tbody>'
        + "".join(rows)
        + "</tbody></table>"
    )


# --- validation -----------------------------------------------------------------


def guideline_text_validate(text: str) -> str:
    """The text itself when it is publishable (not blank, not too long); else ValidationError."""
    if not isinstance(text, str) or not text.strip():
        raise ValidationError({"text": ["The guidelines must not be empty."]})
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationError(
            {"text": [f"At most {MAX_TEXT_LENGTH} characters, please."]}
        )
    if problem := text_problem(text):
        raise ValidationError({"text": [problem]})
    return text
