"""The German catalogue is complete and compiled (what the interface shows in German)."""

import subprocess
from pathlib import Path

import pytest

PO = Path(__file__).resolve().parents[3] / "locale" / "de" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated_and_none_is_fuzzy():
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    blocks = [
        b
        for b in text.split("\n\n")
        if "msgid " in b and 'msgid ""\nmsgstr ""\n"' not in b
    ]
    empty = [
        b for b in blocks if b.rstrip().endswith('msgstr ""') or 'msgstr[0] ""' in b
    ]
    assert empty == []


def test_compiled_catalogue_is_up_to_date():
    msgfmt = "/usr/bin/msgfmt"
    if not Path(msgfmt).exists():
        pytest.skip("gettext's msgfmt is not installed")
    compiled = subprocess.run(
        [msgfmt, "-o", "-", str(PO)], capture_output=True, check=True
    ).stdout
    assert compiled == PO.with_suffix(".mo").read_bytes()
