"""Dataset writers (jsonl, spacy, conll, hf, labelstudio, doccano) over plain rows.

Imported by selectors, services and tasks; imports stdlib and spaCy only, no Django.
"""

from .base import REGISTRY, Exporter, StreamingExporter, get_exporter, iter_export
from .rows import (
    ExportPrediction,
    ExportQuestion,
    ExportRow,
    ExportScheme,
    ExportSpan,
    best_choices,
)
from .splits import DEFAULT_RATIOS, DEFAULT_SEED, SPLITS, assign_split

__all__ = [
    "DEFAULT_RATIOS",
    "DEFAULT_SEED",
    "REGISTRY",
    "SPLITS",
    "ExportPrediction",
    "ExportQuestion",
    "ExportRow",
    "ExportScheme",
    "ExportSpan",
    "Exporter",
    "StreamingExporter",
    "assign_split",
    "best_choices",
    "get_exporter",
    "iter_export",
]
