"""Market personas on top of the root ones: the seller is the applicant enterprise (verified here),
the buyer is the outsider's university; a published achievement and a published listing."""

import datetime

import pytest
from django.utils import timezone, translation

from techtransfer.achievements.choices import AchievementStatus
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.core.choices import OrganisationStatus
from techtransfer.market.choices import ListingStatus
from techtransfer.market.tests.factories import ListingFactory


@pytest.fixture(autouse=True)
def _default_language_after():  # type: ignore[no-untyped-def]
    """A page asked for in English leaves English active in the test's thread (the locale middleware
    does not reset it): the next test reads the default language again, whatever ran before it."""
    yield
    translation.deactivate()


@pytest.fixture
def seller(applicant_org):  # type: ignore[no-untyped-def]
    applicant_org.status = OrganisationStatus.VERIFIED
    applicant_org.save(update_fields=["status"])
    return applicant_org


@pytest.fixture
def buyer(other_org):  # type: ignore[no-untyped-def]
    return other_org


@pytest.fixture
def published_achievement(seller, applicant_admin):  # type: ignore[no-untyped-def]
    return AchievementFactory(
        organisation=seller,
        created_by=applicant_admin,
        status=AchievementStatus.PUBLISHED,
        registration_number="360202610001",
        plan_industry="new_materials",
        published_at=timezone.now(),
    )


@pytest.fixture
def listing(seller, applicant_member, published_achievement):  # type: ignore[no-untyped-def]
    return ListingFactory(
        organisation=seller,
        created_by=applicant_member,
        achievement=published_achievement,
        patent_numbers="",
        status=ListingStatus.PUBLISHED,
        published_at=timezone.now(),
        listed_until=timezone.localdate() + datetime.timedelta(days=30),
    )
