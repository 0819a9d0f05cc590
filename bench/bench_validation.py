"""Cost of the storable-text check on API bodies (issue 16), against parsing them.

Every JSON body the API reads is walked once by ``annotations.validation.json_problems``
(no NUL, no lone surrogate, depth ≤ 32) after ``json.loads``. The table gives
both per body, so the check's cost reads as a share of the parse that any
request pays anyway (the raw library limit measured in the same run).

Run: .venv/bin/python bench/bench_validation.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotations.default_scheme import default_scheme
from annotations.validation import json_problems
from bench._setup import machine

ROUNDS = 20


def _bodies() -> dict[str, object]:
    span = {"start": 0, "end": 7, "label": "ORG", "text": "Siemens", "attributes": {}}
    return {
        "my-annotation, 30 spans": {
            "spans": [dict(span, start=i, end=i + 7) for i in range(30)],
            "labels": {"sentiment": "negative", "bias": "non_biased"},
            "status": "submitted",
            "version": 3,
        },
        "my-annotation, 2,000 spans": {
            "spans": [dict(span, start=i, end=i + 7) for i in range(2000)],
            "labels": {"sentiment": "negative"},
        },
        "scheme PATCH (default scheme)": {"scheme": default_scheme("de")},
        "import, 2,500 articles (~2.5 MB, umlauts)": [
            {
                "title": f"Börsenbericht {i}",
                "text": "Die Société Générale senkt die Prognose für Q3. " * 20,
                "external_id": f"wire-{i}",
                "meta": {"source": "Demo Wire", "tags": ["börse", "bank"]},
            }
            for i in range(2500)
        ],
    }


def _time(fn) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def main() -> None:
    rows = []
    for name, body in _bodies().items():
        raw = json.dumps(body, ensure_ascii=False)
        parse_ms = _time(lambda raw=raw: json.loads(raw))
        check_ms = _time(lambda body=body: json_problems(body))
        rows.append(
            f"| {name} | {len(raw.encode()) / 1024:,.0f} KiB | {parse_ms:.2f} | "
            f"{check_ms:.2f} | {check_ms / parse_ms:.1f}× |"
        )
    print("## Input validation: storable-text check per API body (issue 16)\n")
    print(
        f"{machine()}; best of {ROUNDS}. `json.loads` is the parse every request "
        "pays anyway (the library limit); the check walks the parsed body once.\n"
    )
    print("| body | size | json.loads ms | json_problems ms | check / parse |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
