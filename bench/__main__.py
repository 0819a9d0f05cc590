"""Run every benchmark script and print their tables; BENCH_WRITE=1 also writes docs/benchmarks.md.

Each ``bench/bench_*.py`` runs in its own process (its own throw-away database)
and prints a Markdown section. ``python -m bench eval learning_curve`` runs a
subset; with BENCH_WRITE=1 a subset replaces only its own marked sections of
docs/benchmarks.md (or appends them) and keeps the rest. Speed is measured here, never in the tests; the
machine is noisy, so each section compares against the raw library limit
measured in the same run.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys

from bench._setup import ROOT, machine


def main(argv: list[str]) -> int:
    only = set(argv)
    scripts = sorted((ROOT / "bench").glob("bench_*.py"))
    if only:
        scripts = [
            s
            for s in scripts
            if s.stem in only or s.stem.removeprefix("bench_") in only
        ]
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    sections = [
        "# Benchmarks\n",
        f"Measured {now} on {machine()}; database from DATABASE_URL "
        f"({os.environ.get('DATABASE_URL', 'SQLite') or 'SQLite'}). Regenerate with "
        "`BENCH_WRITE=1 make bench`.\n",
    ]
    failed = []
    for script in scripts:
        print(f"running {script.name} ...", file=sys.stderr, flush=True)
        result = subprocess.run(
            [sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True
        )
        if result.returncode != 0:
            failed.append(script.name)
            sections.append(
                f"## {script.stem}\n\nFAILED:\n\n```\n{result.stderr[-2000:]}\n```\n"
            )
        else:
            sections.append(result.stdout.strip() + "\n")
    report = "\n".join(sections)
    print(report)
    if os.environ.get("BENCH_WRITE"):
        (ROOT / "docs").mkdir(exist_ok=True)
        target = ROOT / "docs" / "benchmarks.md"
        if only and target.exists():
            # a subset: replace (or append) only the sections that ran
            dated = {s.stem: f"_Measured {now} on {machine()}._\n\n" for s in scripts}
            text = target.read_text()
            for script, section in zip(scripts, sections[2:], strict=True):
                text = replace_section(text, script.stem, dated[script.stem] + section)
            target.write_text(text)
        else:
            target.write_text(
                sections[0]
                + "\n"
                + sections[1]
                + "\n"
                + "\n".join(
                    mark(script.stem, section)
                    for script, section in zip(scripts, sections[2:], strict=True)
                )
            )
    return 1 if failed else 0


def mark(name: str, section: str) -> str:
    """A section between markers, so a later subset run can replace it alone."""
    return f"<!-- bench:{name} -->\n{section.rstrip()}\n<!-- /bench:{name} -->\n"


def replace_section(text: str, name: str, section: str) -> str:
    """``text`` with the marked section ``name`` replaced, or appended if absent."""
    begin, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        return head + mark(name, section).rstrip("\n") + tail
    return text.rstrip("\n") + "\n\n" + mark(name, section)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
