"""import_articles and export_dataset: happy paths and clear errors (nothing written)."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from annotations.models import Annotation, Article
from tests.factories import TEXT, ArticleFactory, annotate, annotator, span

pytestmark = pytest.mark.django_db


def test_import_jsonl_then_idempotent(project, tmp_path, capsys):
    path = tmp_path / "a.jsonl"
    path.write_text(
        "\n".join(
            json.dumps({"text": f"t {i}", "external_id": f"e{i}"}) for i in range(3)
        ),
        "utf-8",
    )
    call_command(
        "import_articles", str(path), "--project", project.slug, "--no-preannotate"
    )
    assert "3 article(s) created" in capsys.readouterr().out
    call_command(
        "import_articles", str(path), "--project", project.slug, "--no-preannotate"
    )
    assert "0 article(s) created, 3 already there" in capsys.readouterr().out
    assert Article.objects.filter(project=project).count() == 3


def test_import_csv_and_label_studio(project, tmp_path):
    csv_path = tmp_path / "a.csv"
    csv_path.write_text("title,text,external_id\nA,Siemens rose.,c1\n", "utf-8")
    call_command(
        "import_articles", str(csv_path), "--project", project.slug, "--no-preannotate"
    )
    ls_path = tmp_path / "tasks.json"
    task = {
        "data": {"text": "BASF fell.", "external_id": "ls1"},
        "annotations": [
            {
                "completed_by": 3,
                "result": [
                    {
                        "type": "labels",
                        "value": {
                            "start": 0,
                            "end": 4,
                            "text": "BASF",
                            "labels": ["FIRM"],
                        },
                    }
                ],
            }
        ],
    }
    ls_path.write_text(json.dumps([task]), "utf-8")
    with pytest.raises(CommandError, match=r"Unknown span label.*FIRM"):
        call_command("import_articles", str(ls_path), "--project", project.slug)
    assert not Article.objects.filter(external_id="ls1").exists()
    call_command(
        "import_articles", str(ls_path), "--project", project.slug,
        "--label-mapping", '{"FIRM": "ORG"}', "--no-preannotate",
    )  # fmt: skip
    assert Annotation.objects.get().spans.get().label == "ORG"


@pytest.mark.parametrize(
    ("content", "name", "needle"),
    [
        ('[{"text": "a"', "broken.json", "Malformed JSON"),
        ('[{"text": 5}]', "types.json", "item 0"),
        ("hello world", "notes.txt", "Unrecognised file"),
        (b"\xff\xfe\x00binary", "data.json", "not UTF-8"),
    ],
)
def test_bad_files_fail_clearly(project, tmp_path, content, name, needle):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, "utf-8")
    with pytest.raises(CommandError, match=needle):
        call_command("import_articles", str(path), "--project", project.slug)
    assert not Article.objects.exists()


def doccano_lines(answer: str) -> str:
    lines = [
        {"text": "BASF fiel.", "label": [[0, 4, "ORG"]], "cats": [answer]},
        {"text": "SAP stieg.", "label": [], "cats": [answer, "bias:biased"]},
    ]
    return "".join(json.dumps(line) + "\n" for line in lines)


def test_import_doccano_files_per_annotator(project, tmp_path, capsys):
    """--annotator names the annotator, the file name is the fallback; a second
    file for the same annotator with other answers is refused with its lines."""
    anna = tmp_path / "anna.jsonl"
    anna.write_text(doccano_lines("negative"), "utf-8")
    other = tmp_path / "export.jsonl"
    other.write_text(doccano_lines("positive"), "utf-8")
    call_command(
        "import_articles", str(anna), "--project", project.slug, "--no-preannotate"
    )
    out = capsys.readouterr().out
    assert "2 annotation(s)" in out
    assert "draft: item 0 (line 1), imported.doccano.anna: required" in out
    call_command(
        "import_articles", str(other), "--project", project.slug,
        "--annotator", "ben", "--no-preannotate",
    )  # fmt: skip
    users = set(Annotation.objects.values_list("annotator__username", flat=True))
    assert users == {"imported.doccano.anna", "imported.doccano.ben"}
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_articles", str(other), "--project", project.slug,
            "--annotator", "anna", "--no-preannotate",
        )  # fmt: skip
    message = str(caught.value)
    assert message.startswith("2 conflict(s)")
    assert "item 1 (line 2)" in message
    assert Annotation.objects.count() == 4


def test_import_unknown_project_and_missing_file(project, tmp_path):
    with pytest.raises(CommandError, match="No project with slug 'nope'"):
        call_command("import_articles", str(tmp_path / "x.json"), "--project", "nope")
    with pytest.raises(CommandError, match="No such file"):
        call_command(
            "import_articles", str(tmp_path / "x.json"), "--project", project.slug
        )


def test_export_dataset_writes_the_api_bytes(
    project, members, tmp_path, api_client, capsys
):
    anna, ben = annotator(project, "anna"), annotator(project, "ben")
    for _ in range(2):
        article = ArticleFactory(project=project, text=TEXT)
        annotate(article, anna, [span(TEXT, "Siemens", "ORG")])
        annotate(article, ben, [span(TEXT, "Siemens", "ORG")])
    out = tmp_path / "gold.jsonl"
    call_command(
        "export_dataset",
        "--project",
        project.slug,
        "--format",
        "jsonl",
        "--out",
        str(out),
    )
    assert "2 row(s) written" in capsys.readouterr().out
    api_client.force_authenticate(members["ml_engineer"])
    response = api_client.get(f"/api/v1/projects/{project.pk}/export/?format=jsonl")
    assert out.read_bytes() == b"".join(response.streaming_content)
    with pytest.raises(CommandError, match="exists"):
        call_command(
            "export_dataset",
            "--project",
            project.slug,
            "--format",
            "jsonl",
            "--out",
            str(out),
        )
    names_out = tmp_path / "ann.jsonl"
    call_command(
        "export_dataset", "--project", project.slug, "--format", "jsonl",
        "--out", str(names_out), "--source", "annotations", "--names",
    )  # fmt: skip
    assert '"annotator":"anna"' in names_out.read_text("utf-8")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--format", "xml"], "invalid choice"),
        (["--labels", "NOPE"], "Unknown span label"),
        (["--updated-since", "yesterday"], "Not a datetime"),
        (["--status", "final", "--source", "annotations"], "Unknown status"),
    ],
)
def test_export_dataset_bad_options(project, tmp_path, args, needle):
    base = ["--project", project.slug, "--out", str(tmp_path / "x")]
    if "--format" not in args:
        base += ["--format", "jsonl"]
    with pytest.raises(CommandError, match=needle):
        call_command("export_dataset", *base, *args)
    assert not (tmp_path / "x").exists()
