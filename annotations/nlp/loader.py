"""Build each pipeline once per process, keyed by its name and version."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Mapping

from spacy.language import Language

from .errors import PipelineError
from .registry import PipelineSpec, get_pipeline_spec

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=8)
def load_pipeline(spec: PipelineSpec) -> Language:
    """The built ``Language`` for ``spec`` (cached on ``(spec.name, spec.version)``)."""
    logger.info("building spaCy pipeline %s %s", spec.name, spec.version)
    try:
        return spec.build()
    except PipelineError:
        raise
    except Exception as exc:
        raise PipelineError(
            f"could not build pipeline {spec.name} {spec.version}: "
            f"{type(exc).__name__}: {exc}"
        ) from exc


def get_nlp(
    name: str, *, extra_terms: Mapping[str, Iterable[str]] | None = None
) -> Language:
    """The cached built-in pipeline ``name``; configuration comes in as arguments."""
    return load_pipeline(get_pipeline_spec(name, extra_terms=extra_terms))


def clear_cache() -> None:
    """Forget built pipelines (tests, or after resources changed on disk)."""
    load_pipeline.cache_clear()
