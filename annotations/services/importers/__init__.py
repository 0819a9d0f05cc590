"""Import from files and other tools: plain JSON/JSONL/CSV, Label Studio, doccano.

Imported by the API, the ``import_articles`` command and the import page; the
package uses the article service, the models and the pure ``scheme``/``offsets``
helpers. Modules: ``readers`` (bytes or a request body in, ``ParsedImport`` out:
decoding, format detection, the JSON/JSONL/CSV loaders), ``labelstudio``,
``labelstudio_csv``, ``doccano`` and ``rows`` (the tools' shapes and our own export
rows), ``labels`` (mapping onto the scheme, annotator names), ``checks`` (offsets
and answers against the texts), ``apply`` and ``writes`` (the writes). Parsing is
pure; ``import_apply`` writes everything in one transaction, so a rejected import
writes nothing. docs/exports.md has the per-tool tables.

Formats (``fmt``; ``None`` = detect from the file name and the content):

- ``articles``: a JSON list of ``{title, text, language?, external_id?, meta?}``;
  also our own ``jsonl`` export rows (with ``spans``, ``labels``, ``annotator``,
  ``status`` or ``pipeline``...), whose annotations and predictions come along.
- ``jsonl``: the same objects, one per line (lines end at ``\\n`` only: U+2028,
  U+2029 and U+0085 are text inside JSON strings).
- ``csv``: a header row; columns ``title``, ``text``, ``language``, ``external_id``;
  every other non-empty column goes into ``meta``. Label Studio's CSV export is
  recognised by its columns and read with its annotations.
- ``labelstudio``: Label Studio task JSON (a list of tasks, or one task):
  ``{"id", "data": {"text", "title"?, "external_id"?, "meta"?, ...},
  "annotations": [{"result": [...], "completed_by": ..., "lead_time": ...}],
  "predictions": [...]}``. ``labels`` results become spans (one per label listed),
  ``choices`` results answer the question named by ``from_name``; other result types
  are counted as ignored. Cancelled annotations (``was_cancelled``) are skipped;
  predictions given as ids only (Label Studio's default export) are counted as
  skipped with a warning naming the export option that includes them. Other
  ``data`` keys go into ``meta``.
- ``doccano``: doccano JSONL: ``{"text", "label": [[start, end, "LABEL"], ...]}`` or
  ``{"text", "entities": [{"start_offset", "end_offset", "label"}], "cats": [...]}``;
  a ``label`` list of plain strings (text classification) answers questions.

**Labels.** Span labels and answers must map onto the project's scheme. A span label
maps to itself when the scheme has it, else through ``label_mapping``
(``{"B-ORG": "ORG", "MISC": null}``; null drops the span). A choice maps through
``label_mapping["<question>:<choice>"]`` (or ``["<choice>"]`` for doccano's plain
labels) to ``"<question>:<choice>"``, or to itself when ``from_name`` is a question
key and the choice one of its choices; a doccano plain label that is a choice of
exactly one question answers that question. Anything else is an error that lists
every unknown label; nothing is written.

**Offsets** are kept exactly: code points into the text (what our exports and Label
Studio's ``value.text`` agree on). When a result's ``text`` only matches after reading
``start``/``end`` as UTF-16 code units (a browser's count), they are converted;
offsets that fit neither way are an error naming the item.

**Annotators.** Imported annotations need a user: one per source annotator name,
``imported.<tool>.<name>`` (Label Studio: our export's ``meta.newsroom.annotations``
entry, else ``completed_by`` email, name or id; doccano: the line's ``user`` /
``annotator``; else the caller's ``annotator``, else for doccano the file name's
stem), created inactive with an unusable password (they cannot log in) and added to
the project as annotators. A name that already is ``imported.<tool>.<x>`` is kept.
A later import reuses them; an *active* account with such a name is refused. An
equal annotation already stored for the article and annotator counts as existing; a
different one is a conflict (``ImportConflictError``: nothing is written), as is an
``external_id`` that comes with another text. Imported annotations are
``submitted`` when they answer every required question and the file does not mark
them as drafts, else ``draft``; the summary lists the drafts and why.

**Predictions** (Label Studio ``predictions``, our own prediction exports) become
``Prediction`` rows (pipeline ``labelstudio`` and the task's ``model_version`` for
Label Studio's own), span and choice scores from ``score``.
"""

from annotations.services.articles import ArticleImportError, ImportConflictError

from .apply import ImportTooLarge, import_apply, import_data, import_upload
from .labels import LabelMapper
from .parsed import (
    FORMATS,
    ImportedAnnotation,
    ImportedPrediction,
    ImportFormatError,
    ImportSummary,
    ParsedImport,
)
from .readers import ImportBodyError, detect_format, parse_import, read_request_body

__all__ = [
    "FORMATS",
    "ArticleImportError",
    "ImportBodyError",
    "ImportConflictError",
    "ImportFormatError",
    "ImportSummary",
    "ImportTooLarge",
    "ImportedAnnotation",
    "ImportedPrediction",
    "LabelMapper",
    "ParsedImport",
    "detect_format",
    "import_apply",
    "import_data",
    "import_upload",
    "parse_import",
    "read_request_body",
]
