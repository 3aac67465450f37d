"""Factories for catalogue tests: published achievements (with numbers) and catalogues."""

import datetime

import factory
from django.utils import timezone

from techtransfer.achievements.choices import AchievementStatus, PlanIndustry, SecrecyLevel, Stage
from techtransfer.achievements.models import Achievement, Catalogue, CatalogueEntry
from techtransfer.core.choices import OrganisationType
from techtransfer.core.tests.factories import OrganisationFactory, UserFactory


class PublishedAchievementFactory(factory.django.DjangoModelFactory):
    """A record as `approve_achievement` leaves it: published, numbered, valid for a year."""

    class Meta:
        model = Achievement

    name = factory.Sequence(lambda n: f"测试成果{n}")
    organisation = factory.SubFactory(OrganisationFactory, region_id="360121")
    region_id = factory.LazyAttribute(lambda a: a.organisation.region_id)
    created_by = factory.SubFactory(UserFactory)
    abstract = "一种用于测试的科技成果简介。"
    keywords = factory.LazyFunction(lambda: ["测试"])
    trl = 7
    stage = Stage.MATURE
    plan_industry = PlanIndustry.NEW_MATERIALS
    transfer_modes = factory.LazyFunction(lambda: ["licence"])
    secrecy = SecrecyLevel.PUBLIC
    status = AchievementStatus.PUBLISHED
    registration_number = factory.Sequence(
        lambda n: f"39920261{n:04d}"
    )  # body 399: never clashes with numbers tests spell out
    published_at = factory.LazyFunction(timezone.now)
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))


class CatalogueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Catalogue

    title = factory.Sequence(lambda n: f"2026 先进适用科技成果目录 · 第{n}辑")
    year = 2026
    kind = Catalogue.Kind.ADVANCED_APPLICABLE
    owner = factory.SubFactory(OrganisationFactory, type=OrganisationType.GOVERNMENT, region_id="360000")
    created_by = factory.SubFactory(UserFactory)


class CatalogueEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CatalogueEntry

    catalogue = factory.SubFactory(CatalogueFactory)
    achievement = factory.SubFactory(PublishedAchievementFactory)
    position = factory.Sequence(lambda n: n + 1)
    added_by = factory.SubFactory(UserFactory)
