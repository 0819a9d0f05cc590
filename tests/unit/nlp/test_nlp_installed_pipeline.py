"""Installed pipelines and pipeline directories, with a label mapping."""

import pytest
import spacy

from annotations.nlp.errors import PipelineError
from annotations.nlp.loader import load_pipeline
from annotations.nlp.registry import spacy_package_spec, validate_label_mapping
from annotations.nlp.suggest import predict

SCHEME = ["ORG", "PERSON", "INSTRUMENT", "MONEY", "PERCENT"]


def _save_pipeline(path, patterns):
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(patterns)
    nlp.to_disk(path)
    return path


@pytest.fixture
def model_dir(tmp_path):
    return _save_pipeline(
        tmp_path / "model",
        [
            {"label": "ORG", "pattern": "Acme Corp"},
            {"label": "GPE", "pattern": "Berlin"},
        ],
    )


def test_pipeline_directory_with_mapping(model_dir):
    """ORG is mapped to ORG, GPE is ignored; offsets and sources are kept."""
    spec = spacy_package_spec(model_dir, {"ORG": "ORG", "GPE": None}, SCHEME)
    assert spec.language == "en"
    assert spec.labels == ("ORG",)
    text = "Acme Corp opens an office in Berlin 🏢.\r\nAcme Corp shares rose."
    [prediction] = predict(spec, [text])
    assert [(s.label, s.text, s.start) for s in prediction.spans] == [
        ("ORG", "Acme Corp", 0),
        ("ORG", "Acme Corp", text.rindex("Acme Corp")),
    ]
    assert prediction.spans[0].source == "model:ORG"
    assert prediction.pipeline_version == spec.version
    assert prediction.questions == ()


def test_version_follows_mapping_and_model_files(model_dir):
    """A new mapping or changed model files give a new version; same input, same."""
    one = spacy_package_spec(model_dir, {"ORG": "ORG", "GPE": None}, SCHEME)
    same = spacy_package_spec(model_dir, {"ORG": "ORG", "GPE": None}, SCHEME)
    other_mapping = spacy_package_spec(model_dir, {"ORG": "ORG"}, SCHEME)
    assert one.version == same.version
    assert one.version != other_mapping.version
    assert load_pipeline(one) is load_pipeline(same)
    _save_pipeline(model_dir, [{"label": "ORG", "pattern": "Other Corp"}])
    changed = spacy_package_spec(model_dir, {"ORG": "ORG", "GPE": None}, SCHEME)
    assert changed.version != one.version


def test_mapping_to_a_label_the_scheme_lacks_is_a_clear_error(model_dir):
    """Targets must be scheme labels or None."""
    with pytest.raises(PipelineError, match=r"GPE → 'LOCATION'.*Scheme labels: "):
        spacy_package_spec(model_dir, {"ORG": "ORG", "GPE": "LOCATION"}, SCHEME)
    with pytest.raises(PipelineError, match="must map model labels"):
        validate_label_mapping(["ORG"], SCHEME)
    with pytest.raises(PipelineError, match="maps no model label"):
        validate_label_mapping({"GPE": None}, SCHEME)


def test_missing_package_or_directory_is_a_clear_error(tmp_path):
    """Unknown packages and non-pipeline directories raise PipelineError."""
    with pytest.raises(PipelineError, match="'xx_newsroom_missing_model' not found"):
        spacy_package_spec("xx_newsroom_missing_model", {"ORG": "ORG"}, SCHEME)
    with pytest.raises(PipelineError, match="not found"):
        spacy_package_spec(tmp_path / "nowhere", {"ORG": "ORG"}, SCHEME)
    (tmp_path / "empty").mkdir()
    with pytest.raises(PipelineError, match="not a spaCy pipeline"):
        spacy_package_spec(tmp_path / "empty", {"ORG": "ORG"}, SCHEME)


def test_broken_pipeline_directory_fails_at_build_with_pipeline_error(tmp_path):
    """A directory whose config cannot be loaded raises PipelineError, not a crash."""
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.cfg").write_text('[nlp]\nlang = "en"\npipeline = ["nope"]\n')
    spec = spacy_package_spec(broken, {"ORG": "ORG"}, SCHEME)
    with pytest.raises(PipelineError, match="could not"):
        load_pipeline(spec)
