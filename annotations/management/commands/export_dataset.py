"""``manage.py export_dataset --project SLUG --format FMT --out PATH``."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from annotations.exporters import REGISTRY, get_exporter, iter_export
from annotations.models import Project
from annotations.selectors.exports import (
    ExportFilters,
    export_count,
    export_rows,
    export_scheme,
)
from annotations.services.exports import (
    export_check,
    filters_from_params,
    project_consensus,
    split_options,
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
        project = Project.objects.filter(slug=options["project"]).first()
        if project is None:
            raise CommandError(f"No project with slug {options['project']!r}.")
        out = Path(options["out"])
        if out.exists() and not options["force"]:
            raise CommandError(f"{out} exists; pass --force to overwrite it.")
        if not out.parent.is_dir():
            raise CommandError(f"No such directory: {out.parent}")
        fmt = options["format"]
        try:
            filters: ExportFilters = filters_from_params(
                {
                    "source": options["source"],
                    "statuses": _split(options["status"]),
                    "guideline_version": options["guideline_version"],
                    "labels": _split(options["labels"]),
                    "updated_since": options["updated_since"],
                }
            )
            export_check(project=project, fmt=fmt, filters=filters)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        total = export_count(project=project, filters=filters)
        rows = export_rows(
            project=project,
            filters=filters,
            names_visible=options["names"],
            consensus=project_consensus(project),
        )
        partial = out.with_name(out.name + ".partial")
        written = 0
        with tqdm(
            total=total, desc=f"export {fmt}", unit="article",
            disable=options["verbosity"] < 1,
        ) as bar:  # fmt: skip

            def counted():
                nonlocal written
                last = None
                for row in rows:
                    if row.article_id != last:
                        bar.update()
                        last = row.article_id
                    written += 1
                    yield row

            try:
                with partial.open("wb") as handle:
                    for chunk in iter_export(
                        get_exporter(fmt),
                        counted(),
                        scheme=export_scheme(project=project, labels=filters.labels),
                        **split_options(project),
                    ):
                        handle.write(chunk)
            except ValueError as error:
                partial.unlink(missing_ok=True)
                raise CommandError(f"Cannot export: {error}") from error
        partial.replace(out)
        self.stdout.write(f"{written} row(s) written to {out}")


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]
