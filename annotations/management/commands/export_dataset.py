"""``manage.py export_dataset --project SLUG --format FMT --out PATH``."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from annotations.exporters import REGISTRY
from annotations.models import Project
from annotations.selectors.projects import project_get_by_slug
from annotations.services.exports import (
    ExportFailed,
    export_file_write,
    filters_from_params,
)


class Command(BaseCommand):
    help = (
        "Write a dataset export to a file (same bytes as the API's export). Annotators "
        "are pseudonymised unless --names is given."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--project", required=True, help="Project slug.")
        parser.add_argument("--format", required=True, choices=sorted(REGISTRY))
        parser.add_argument("--out", required=True, help="Output file path.")
        parser.add_argument("--source", default="gold", choices=["gold", "annotations"])
        parser.add_argument(
            "--status",
            default="",
            help="Comma-separated statuses (gold: final,draft,consensus; "
            "annotations: draft,submitted,skipped).",
        )
        parser.add_argument("--guideline-version", type=int)
        parser.add_argument("--labels", default="", help="Span labels to keep.")
        parser.add_argument("--updated-since", help="ISO 8601 date-time.")
        parser.add_argument(
            "--names", action="store_true", help="Usernames instead of pseudonyms."
        )
        parser.add_argument(
            "--force", action="store_true", help="Overwrite an existing --out file."
        )

    def handle(self, *args, **options) -> None:
        try:
            project = project_get_by_slug(slug=options["project"])
        except Project.DoesNotExist as error:
            raise CommandError(str(error)) from error
        fmt, out = options["format"], Path(options["out"])
        try:
            filters = filters_from_params(
                {
                    "source": options["source"],
                    "statuses": _split(options["status"]),
                    "guideline_version": options["guideline_version"],
                    "labels": _split(options["labels"]),
                    "updated_since": options["updated_since"],
                }
            )
            with tqdm(
                desc=f"export {fmt}", unit="article", disable=options["verbosity"] < 1
            ) as bar:
                written = export_file_write(
                    project=project,
                    fmt=fmt,
                    filters=filters,
                    out=out,
                    names_visible=options["names"],
                    overwrite=options["force"],
                    progress=bar,
                )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        except ExportFailed as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{written} row(s) written to {out}")


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]
