"""What is wrong with an annotation the page posts, in the annotator's words.

A leaf module (no models, services or selectors). The annotation page runs
these checks before ``annotation_submit`` so that a refusal names the question
or the span that is wrong the way the page shows it (the question's name, the
span's text and label name, in the user's language), and says which field of
the page it belongs to, so the page can put the message next to it. The
service keeps its own checks (the API shares them); these only word them for
people.

``field`` is ``"q:<question key>"`` (the question's fieldset), ``"skip_reason"``
or ``"spans"`` (the span list).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from annotations.scheme import Scheme


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def answer_problems(scheme: Scheme, labels: dict[str, Any]) -> list[Problem]:
    """Each required question left unanswered on submit, by its name."""
    return [
        Problem(
            "q:" + question.key,
            _("Answer “%(question)s” before submitting.") % {"question": question.name},
        )
        for question in scheme.questions
        if question.required and labels.get(question.key) in (None, "", [])
    ]


def skip_problems(reason: str) -> list[Problem]:
    if reason.strip():
        return []
    return [Problem("skip_reason", _("Say why you skip this article."))]


def _short(text: str) -> str:
    return Truncator(" ".join(str(text).split())).chars(40)


def span_problems(
    scheme: Scheme, text: str, spans: Any, *, allow_overlap: bool
) -> list[Problem]:
    """Spans that do not fit the article or the scheme, each named by its text and label."""
    if not isinstance(spans, list):
        return [Problem("spans", _("The spans could not be read."))]
    names = {label.key: label.name for label in scheme.span_labels}
    problems: list[Problem] = []
    good: list[tuple[int, int, str, str]] = []
    for raw in spans:
        if not isinstance(raw, dict):
            problems.append(Problem("spans", _("The spans could not be read.")))
            continue
        start, end, label = raw.get("start"), raw.get("end"), raw.get("label")
        shown = _short(raw.get("text", ""))
        if not isinstance(label, str) or label not in names:
            problems.append(
                Problem(
                    "spans",
                    _("“%(label)s” is not a span label of this project.")
                    % {"label": label},
                )
            )
            continue
        fits = (
            type(start) is int  # not bool, not float
            and type(end) is int
            and 0 <= start < end <= len(text)
            and raw.get("text", text[start:end]) == text[start:end]
        )
        if not fits:
            problems.append(
                Problem(
                    "spans",
                    _(
                        "The span “%(text)s” (%(label)s) does not match the article "
                        "text; remove it and mark it again."
                    )
                    % {"text": shown, "label": names[label]},
                )
            )
            continue
        good.append((start, end, label, text[start:end]))
    return problems + _pair_problems(sorted(good), names, allow_overlap)


def _pair_problems(
    spans: list[tuple[int, int, str, str]], names: dict[str, str], allow_overlap: bool
) -> list[Problem]:
    problems = []
    for (s1, e1, l1, t1), (s2, e2, l2, t2) in pairwise(spans):
        words = {"a": _short(t1), "la": names[l1], "b": _short(t2), "lb": names[l2]}
        if (s1, e1, l1) == (s2, e2, l2):
            problems.append(
                Problem(
                    "spans",
                    _("The span “%(a)s” (%(la)s) is marked twice.") % words,
                )
            )
        elif not allow_overlap and s2 < e1:
            problems.append(
                Problem(
                    "spans",
                    _(
                        "The spans “%(a)s” (%(la)s) and “%(b)s” (%(lb)s) overlap; "
                        "this project does not allow overlapping spans."
                    )
                    % words,
                )
            )
    return problems
