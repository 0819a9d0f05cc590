"""Worker processes build the configured pipelines before their first task."""

from annotations.nlp import loader
from annotations.nlp.registry import get_pipeline_spec
from annotations.services.preannotation import warm_pipelines


def test_warm_builds_configured_pipelines_and_skips_unknown(settings, caplog):
    loader.clear_cache()
    settings.NEWSROOM_WARM_PIPELINES = ["fin-en", "no-such-pipeline"]
    warm_pipelines()
    assert loader.load_pipeline.cache_info().currsize == 1
    hits = loader.load_pipeline.cache_info().hits
    loader.load_pipeline(get_pipeline_spec("fin-en"))
    assert loader.load_pipeline.cache_info().hits == hits + 1  # already built
    assert "Could not warm pipeline no-such-pipeline" in caplog.text
