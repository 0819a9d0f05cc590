"""Models, one module per noun; imported from here (``from annotations.models import Article``)."""

from .agreement import AgreementSnapshot
from .annotation import Annotation, AnnotationSpan, GoldAnnotation, GoldSpan
from .article import Article
from .comment import ArticleComment
from .jobs import Job
from .prediction import Prediction
from .project import GuidelineAcknowledgement, GuidelineVersion, Membership, Project
from .releases import Release, ReleaseFile
from .tokens import ApiToken
from .training import TrainedPipeline
from .work import Assignment

__all__ = [
    "AgreementSnapshot",
    "Annotation",
    "AnnotationSpan",
    "ApiToken",
    "Article",
    "ArticleComment",
    "Assignment",
    "GoldAnnotation",
    "GoldSpan",
    "GuidelineAcknowledgement",
    "GuidelineVersion",
    "Job",
    "Membership",
    "Prediction",
    "Project",
    "Release",
    "ReleaseFile",
    "TrainedPipeline",
]
