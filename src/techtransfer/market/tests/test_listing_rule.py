"""Who puts an achievement on the market: its organisation's admins (and platform admins), the one rule
(`access.listable_achievements`) behind the achievement page's link, the listing form's choices and the
service. A member saw no link and yet could list any published record through the form or the API."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from techtransfer.achievements.choices import AchievementStatus
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.audit.models import AuditEvent
from techtransfer.core.errors import DomainError
from techtransfer.market import access, services
from techtransfer.market.choices import ListingMode
from techtransfer.market.errors import MarketErrors
from techtransfer.market.models import Listing
from techtransfer.market.services import ListingInput
from techtransfer.market.tests.factories import ListingFactory

pytestmark = pytest.mark.django_db

NOT_MANAGED = {
    "en": "Only your organisation's admins can put its achievements on the market. Ask one of them, or list the"
    " patents by their numbers.",
}


def data(**overrides: object) -> ListingInput:
    today = timezone.localdate()
    values: dict[str, object] = {
        "mode": ListingMode.ASSIGNMENT, "listed_from": today, "listed_until": today + datetime.timedelta(days=30),
    }  # fmt: skip
    values.update(overrides)
    return ListingInput(**values)  # type: ignore[arg-type]


def test_the_admins_and_platform_admins_may_list_members_and_outsiders_may_not(
    published_achievement, applicant_admin, applicant_member, outsider, platform_admin
):
    allowed = {
        user.username: access.may_list_achievement(user, published_achievement.pk)
        for user in (applicant_admin, applicant_member, outsider, platform_admin)
    }
    assert allowed == {
        applicant_admin.username: True,
        applicant_member.username: False,
        outsider.username: False,
        platform_admin.username: True,
    }


def test_a_record_not_published_is_listable_by_nobody(published_achievement, applicant_admin):
    published_achievement.status = AchievementStatus.EXPIRED
    published_achievement.save(update_fields=["status"])
    assert list(access.listable_achievements(applicant_admin)) == []


def test_the_service_refuses_a_member_listing_an_achievement(seller, applicant_member, published_achievement):
    with pytest.raises(DomainError) as exc:
        services.create_listing(
            actor=applicant_member, organisation_id=seller.pk, data=data(achievement_id=published_achievement.pk)
        )
    assert (exc.value.error, exc.value.details) == (MarketErrors.ACHIEVEMENT_NOT_MANAGED, {"field": "achievement"})
    assert not Listing.objects.exists()
    assert not AuditEvent.objects.filter(action="listing.create").exists()


def test_a_member_still_lists_patents(seller, applicant_member):
    listing = services.create_listing(
        actor=applicant_member, organisation_id=seller.pk, data=data(patent_numbers="ZL202310000001.5", title="专利")
    )
    assert (listing.achievement_id, listing.created_by_id) == (None, applicant_member.pk)


def test_a_member_editing_keeps_the_admins_achievement_but_may_not_change_it(
    seller, applicant_member, applicant_admin, published_achievement
):
    listing = ListingFactory(
        organisation=seller, created_by=applicant_admin, achievement=published_achievement, patent_numbers=""
    )
    services.update_listing(
        actor=applicant_member, listing_id=listing.pk,
        data=data(achievement_id=published_achievement.pk, title="新标题"),
    )  # fmt: skip
    listing.refresh_from_db()
    assert (listing.title, listing.achievement_id) == ("新标题", published_achievement.pk)
    other = AchievementFactory(
        organisation=seller, created_by=applicant_admin, status=AchievementStatus.PUBLISHED, published_at=timezone.now()
    )
    with pytest.raises(DomainError) as exc:
        services.update_listing(actor=applicant_member, listing_id=listing.pk, data=data(achievement_id=other.pk))
    assert exc.value.error == MarketErrors.ACHIEVEMENT_NOT_MANAGED
    listing.refresh_from_db()
    assert listing.achievement_id == published_achievement.pk


def test_the_form_offers_a_member_no_achievement_and_refuses_one_posted(
    client, seller, applicant_member, published_achievement
):
    client.force_login(applicant_member)
    shown = client.get(f"{reverse('market:create')}?achievement={published_achievement.pk}")
    assert [pk for pk, _name in shown.context["form"].fields["achievement"].choices] == [""]
    today = timezone.localdate()
    post = {
        "organisation": seller.pk, "achievement": published_achievement.pk, "mode": "assignment",
        "listed_from": today.isoformat(), "listed_until": (today + datetime.timedelta(days=30)).isoformat(),
    }  # fmt: skip
    response = client.post(reverse("market:create"), post, HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["form"].errors["achievement"][0] == (
        f"“{published_achievement.pk}” is not one of the choices."
    )
    assert not Listing.objects.exists()


def test_the_form_offers_the_admin_the_record(client, applicant_admin, published_achievement):
    client.force_login(applicant_admin)
    shown = client.get(reverse("market:create"))
    assert [pk for pk, _name in shown.context["form"].fields["achievement"].choices] == ["", published_achievement.pk]


def test_the_api_refuses_a_member_listing_an_achievement_in_the_readers_language(
    client, seller, applicant_member, published_achievement
):
    client.force_login(applicant_member)
    today = timezone.localdate()
    body = {
        "organisation_id": seller.pk, "achievement_id": published_achievement.pk, "mode": "assignment",
        "listed_from": today.isoformat(), "listed_until": (today + datetime.timedelta(days=10)).isoformat(),
    }  # fmt: skip
    response = client.post("/api/v1/market/listings", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    # A refusal of permission keeps its status (core.api_support.field_details), naming the field.
    assert (response.status_code, response.json()) == (
        403,
        {"code": "listing_achievement_not_managed", "message": NOT_MANAGED["en"], "details": {"field": "achievement"}},
    )
    assert not Listing.objects.exists()


def test_the_error_message_is_bilingual():
    with translation.override("en"):
        assert str(MarketErrors.ACHIEVEMENT_NOT_MANAGED.message) == NOT_MANAGED["en"]
