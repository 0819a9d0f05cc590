"""``manage.py import_articles PATH --project SLUG``: JSON/JSONL/CSV, Label Studio, doccano."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from annotations.models import Project
from annotations.selectors.projects import project_get_by_slug
from annotations.services.articles import ArticleImportError, ImportConflictError
from annotations.services.importers import FORMATS, import_data

MAX_ERRORS_SHOWN = 20


class Command(BaseCommand):
    help = (
        "Import articles (and, from Label Studio or doccano files, their annotations) "
        "into a project. All or nothing: on any error nothing is written."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="File to import (.json, .jsonl, .csv).")
        parser.add_argument("--project", required=True, help="Project slug.")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="Input format; detected from the file when left out.",
        )
        parser.add_argument(
            "--label-mapping",
            help='JSON object or a .json file: {"B-ORG": "ORG", "MISC": null}.',
        )
        parser.add_argument(
            "--annotator",
            help="Who made the annotations of items that name nobody (doccano lines "
            "without user; default for doccano: the file name, e.g. anna.jsonl).",
        )
        parser.add_argument(
            "--no-preannotate",
            action="store_true",
            help="Do not queue pre-annotation of the new articles.",
        )

    def handle(self, *args, path: str, project: str, **options) -> None:
        try:
            target = project_get_by_slug(slug=project)
        except Project.DoesNotExist as error:
            raise CommandError(str(error)) from error
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No such file: {path}")
        mapping = self._mapping(options.get("label_mapping"))
        with tqdm(
            total=3, desc="import", unit="step", disable=options["verbosity"] < 1
        ) as bar:
            bar.set_postfix_str("reading")
            data = file.read_bytes()

            def stage(name: str) -> None:
                bar.update()
                bar.set_postfix_str(name)

            try:
                summary = import_data(
                    project=target,
                    data=data,
                    fmt=options.get("format"),
                    filename=file.name,
                    label_mapping=mapping,
                    annotator=options.get("annotator"),
                    preannotate=not options["no_preannotate"],
                    on_stage=stage,
                )
                bar.update()
            except ArticleImportError as error:
                raise CommandError(_problems(error)) from error
            except ValidationError as error:
                raise CommandError(
                    f"{file.name}: {'; '.join(error.messages)} Nothing was imported."
                ) from error
        self.stdout.write(
            f"{summary.format}: {summary.articles_created} article(s) created, "
            f"{summary.articles_existing} already there; "
            f"{summary.annotations_created} annotation(s), "
            f"{summary.predictions_created} prediction(s) imported."
        )
        for draft in summary.drafts[:MAX_ERRORS_SHOWN]:
            self.stdout.write(
                f"  draft: {_place(draft)}, {draft['annotator']}: {draft['reason']}"
            )
        if len(summary.drafts) > MAX_ERRORS_SHOWN:
            self.stdout.write(
                f"  … and {len(summary.drafts) - MAX_ERRORS_SHOWN} more draft(s)"
            )
        for warning in summary.warnings:
            self.stderr.write(f"warning: {warning}")

    def _mapping(self, raw: str | None):
        if not raw:
            return None
        source = Path(raw)
        text = source.read_text("utf-8") if source.is_file() else raw
        try:
            mapping = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(f"--label-mapping is not JSON: {error.msg}.") from error
        if not isinstance(mapping, dict):
            raise CommandError("--label-mapping must be a JSON object.")
        return mapping


def _place(entry: dict) -> str:
    """``item 3 (line 4)``: where in the file an entry of a summary or error is."""
    line = f" (line {entry['line']})" if "line" in entry else ""
    return f"item {entry['index']}{line}"


def _problems(error: ArticleImportError) -> str:
    lines = [f"{error} Problems:"]
    if isinstance(error, ImportConflictError):
        entries = [
            (c, json.dumps({"conflict": [c["reason"]]}, ensure_ascii=False))
            for c in error.conflicts
        ]
    else:
        entries = [
            (e, json.dumps(e["errors"], ensure_ascii=False)) for e in error.errors
        ]
    for entry, problems in entries[:MAX_ERRORS_SHOWN]:
        lines.append(f"  {_place(entry)}: {problems}")
    if len(entries) > MAX_ERRORS_SHOWN:
        lines.append(f"  … and {len(entries) - MAX_ERRORS_SHOWN} more")
    return "\n".join(lines)
