"""A project's agreement report as typed dataclasses, built from plain data.

A leaf package: imports the ``agreement`` metrics, ``annotations.scheme`` and
``annotations.choices`` (status and span-origin names), never models,
services, selectors or ``django.db``. ``services.agreement`` feeds it
``ProjectWork`` read by ``selectors.agreement`` and stores
``AgreementReport.to_dict()`` (the API's JSON); the dashboard reads the
figures back with ``AgreementReport.from_dict`` and draws one chart per
section.

Modules: ``types`` (section dataclasses and ``ProjectWork``), ``report``
(``AgreementReport``), ``inputs`` (rating tuples, the token-alpha sample),
``figures`` (progress, lead time, acceptance, calibration, confusion,
Dawid–Skene) and ``build`` (``agreement_report_build``).
"""

from annotations.agreement_report.build import agreement_report_build
from annotations.agreement_report.inputs import (
    ReportInputs,
    annotator_key,
    question_ratings,
    report_inputs,
    token_alpha_sample,
)
from annotations.agreement_report.report import AgreementReport
from annotations.agreement_report.types import (
    LEVEL_BUCKETS,
    SPANS_DISTRIBUTION,
    HistoryPoint,
    ProjectWork,
    ReportSummary,
)

__all__ = [
    "LEVEL_BUCKETS",
    "SPANS_DISTRIBUTION",
    "AgreementReport",
    "HistoryPoint",
    "ProjectWork",
    "ReportInputs",
    "ReportSummary",
    "agreement_report_build",
    "annotator_key",
    "question_ratings",
    "report_inputs",
    "token_alpha_sample",
]
