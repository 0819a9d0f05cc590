"""factory_boy factories and the small helpers every test shares.

Projects go through the real service so they carry a guideline version; so do
annotations made with ``annotate``. The factories for annotations, spans, gold
and jobs write rows as given.
"""

import inspect

import factory
from django.contrib.auth import get_user_model

from annotations.choices import AnnotationStatus, GoldStatus, JobKind, JobStatus, Role
from annotations.models import (
    Annotation,
    AnnotationSpan,
    Article,
    GoldAnnotation,
    GoldSpan,
    Job,
    Membership,
    Project,
)
from annotations.services.annotations import annotation_save
from annotations.services.projects import project_create


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    slug = factory.Sequence(lambda n: f"project-{n}")
    name = factory.LazyAttribute(lambda p: p.slug.replace("-", " ").title())
    language = "en"
    overlap = 2
    allow_overlapping_spans = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        service_args = set(inspect.signature(project_create).parameters)
        project = project_create(
            **{k: v for k, v in kwargs.items() if k in service_args}
        )
        extra = {k: v for k, v in kwargs.items() if k not in service_args}
        for field, value in extra.items():
            setattr(project, field, value)
        if extra:
            project.save(update_fields=list(extra))
        return project


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.ANNOTATOR


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    project = factory.SubFactory(ProjectFactory)
    title = factory.Faker("sentence", nb_words=6)
    text = factory.Faker("paragraph", nb_sentences=5)
    language = factory.SelfAttribute("project.language")
    external_id = factory.Sequence(lambda n: f"ext-{n}")


# --- annotations, spans, gold and jobs -------------------------------------------
#
# Two ways to make annotations: ``annotate`` goes through the real service
# (validation, locking, assignment bookkeeping) and is what most tests want;
# ``AnnotationFactory``/``GoldAnnotationFactory`` write rows as given, for
# states no door produces in that order (gold before annotations, a stale
# guideline version) and for reads that must not depend on the services.
# ``TEXT`` is a sample article text, ``ANSWERS`` a complete set of answers of
# the default scheme for it.

TEXT = "Siemens raised its guidance while Deutsche Bank cut 5% of jobs."
ANSWERS = {"sentiment": "negative", "bias": "non_biased"}


def span(text: str, phrase: str, label: str, occurrence: int = 0) -> dict:
    """The contract span of the ``occurrence``-th ``phrase`` in ``text`` (code points)."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(phrase, start + 1)
    return {"start": start, "end": start + len(phrase), "label": label, "text": phrase}


def annotator(project: Project, username: str, role: str = Role.ANNOTATOR):
    """A new user ``username`` who is a member of ``project`` in ``role``."""
    user = UserFactory(username=username)
    MembershipFactory(project=project, user=user, role=role)
    return user


def team(project: Project, names, role: str = Role.ANNOTATOR) -> list:
    """Members ``<project slug>-<name>`` of ``project`` in ``role``, one per name."""
    return [annotator(project, f"{project.slug}-{name}", role) for name in names]


def annotate(
    article: Article,
    user,
    spans=(),
    labels: dict | None = None,
    status: str = AnnotationStatus.SUBMITTED,
    **extra,
) -> Annotation:
    """``user``'s annotation of ``article`` through ``annotation_save``.

    Submitted with the complete ``ANSWERS`` unless told otherwise; a draft
    without ``labels`` has no answers. ``extra`` goes to the service
    (``version``, ``lead_time_ms``, ``skip_reason``).
    """
    if labels is None:
        labels = dict(ANSWERS) if status == AnnotationStatus.SUBMITTED else {}
    return annotation_save(
        article=article,
        annotator=user,
        spans=list(spans),
        labels=labels,
        status=status,
        **extra,
    )


def ls_span(text, part, label, rid="r"):
    """A Label Studio ``labels`` result for the first ``part`` of ``text``."""
    start = text.index(part)
    return {
        "id": rid,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {
            "start": start,
            "end": start + len(part),
            "text": part,
            "labels": [label],
        },
    }


def ls_choice(question, choice):
    """A Label Studio ``choices`` result answering ``question``."""
    return {
        "from_name": question,
        "to_name": "text",
        "type": "choices",
        "value": {"choices": [choice]},
    }


def _latest_guideline(project: Project):
    return project.guideline_versions.order_by("-number").first()


class _WorkFactory(factory.django.DjangoModelFactory):
    """What annotations and gold share: the article's text hash, its latest guideline."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    article = factory.SubFactory(ArticleFactory)
    text_sha256 = factory.LazyAttribute(lambda w: w.article.content_hash)
    guideline_version = factory.LazyAttribute(
        lambda w: _latest_guideline(w.article.project)
    )


class AnnotationFactory(_WorkFactory):
    """An annotation row as given (no validation); ``spans=[span dicts]`` adds spans."""

    class Meta:
        model = Annotation

    annotator = factory.SubFactory(UserFactory)
    status = AnnotationStatus.SUBMITTED
    labels = factory.LazyFunction(lambda: dict(ANSWERS))

    @factory.post_generation
    def spans(obj, create, extracted, **kwargs):
        for item in extracted or ():
            AnnotationSpanFactory(annotation=obj, **item)


class GoldAnnotationFactory(_WorkFactory):
    """Gold as given (no validation): final by default; ``spans=[span dicts]`` adds spans."""

    class Meta:
        model = GoldAnnotation

    reviewer = factory.SubFactory(UserFactory)
    status = GoldStatus.FINAL
    labels = factory.LazyFunction(dict)

    @factory.post_generation
    def spans(obj, create, extracted, **kwargs):
        for item in extracted or ():
            GoldSpanFactory(gold=obj, **item)


class _SpanFactory(factory.django.DjangoModelFactory):
    """A span; by default the first word of the article text, as ORG."""

    class Meta:
        abstract = True

    start = 0
    end = factory.LazyAttribute(lambda s: len(s.article_text.split()[0]))
    label = "ORG"
    text = factory.LazyAttribute(lambda s: s.article_text[s.start : s.end])


class AnnotationSpanFactory(_SpanFactory):
    class Meta:
        model = AnnotationSpan

    class Params:
        article_text = factory.SelfAttribute("annotation.article.text")

    annotation = factory.SubFactory(AnnotationFactory)


class GoldSpanFactory(_SpanFactory):
    class Meta:
        model = GoldSpan

    class Params:
        article_text = factory.SelfAttribute("gold.article.text")

    gold = factory.SubFactory(GoldAnnotationFactory)


class JobFactory(factory.django.DjangoModelFactory):
    """A background job row of a project (queued pre-annotation by default)."""

    class Meta:
        model = Job

    project = factory.SubFactory(ProjectFactory)
    kind = JobKind.PREANNOTATE
    status = JobStatus.QUEUED
