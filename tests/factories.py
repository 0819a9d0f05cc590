"""factory_boy factories. Projects go through the real service so they carry a guideline version."""

import inspect

import factory
from django.contrib.auth import get_user_model

from annotations.choices import Role
from annotations.models import Article, Membership, Project
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
