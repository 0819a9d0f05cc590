"""Models, one module per noun; imported from here (``from annotations.models import Article``)."""

from .annotation import Annotation, AnnotationSpan, GoldAnnotation, GoldSpan
from .article import Article
from .jobs import Job
from .prediction import Prediction
from .project import GuidelineVersion, Membership, Project
from .work import Assignment

__all__ = [
    "Annotation",
    "AnnotationSpan",
    "Article",
    "Assignment",
    "GoldAnnotation",
    "GoldSpan",
    "GuidelineVersion",
    "Job",
    "Membership",
    "Prediction",
    "Project",
]
