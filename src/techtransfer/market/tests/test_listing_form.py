"""The listing and auction forms in Chinese: dates an <input type=date> can read (zh-hans formats them
2026/12/07, which the browser drops, so an unchanged edit failed "required"), and achievements beyond
the newest 500 still reachable when asked for or edited."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from techtransfer.achievements.choices import AchievementStatus
from techtransfer.achievements.models import Achievement
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.audit.models import AuditEvent
from techtransfer.core.tests.factories import form_values, page_as
from techtransfer.market.forms import AuctionForm
from techtransfer.market.models import Listing
from techtransfer.market.tests.factories import ListingFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def test_a_new_listing_offers_today_and_180_days_as_iso_dates_in_chinese(client, seller, applicant_member):
    today = timezone.localdate()
    page = page_as(client, applicant_member, reverse("market:create"), "zh-hans")
    assert f'<input type="date" name="listed_from" value="{today.isoformat()}"' in page
    assert f'<input type="date" name="listed_until" value="{(today + 180 * DAY).isoformat()}"' in page
    assert "/" not in str(form_values(page, "market-form")["listed_from"])


@pytest.fixture
def draft_listing(seller, applicant_member, published_achievement):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    return ListingFactory(
        organisation=seller, created_by=applicant_member, achievement=published_achievement, patent_numbers="",
        title="稀土永磁专利许可", listed_from=today + 3 * DAY, listed_until=today + 93 * DAY,
    )  # fmt: skip


def test_the_edit_form_shows_the_listings_dates_as_iso_in_chinese(client, draft_listing, applicant_member):
    page = page_as(client, applicant_member, reverse("market:edit", args=[draft_listing.pk]), "zh-hans")
    assert f'name="listed_from" value="{draft_listing.listed_from.isoformat()}"' in page
    assert f'name="listed_until" value="{draft_listing.listed_until.isoformat()}"' in page


def test_an_unchanged_edit_saves_in_chinese(client, draft_listing, applicant_member):
    url = reverse("market:edit", args=[draft_listing.pk])
    fields = ["title", "achievement_id", "mode", "price_min", "price_max", "listed_from", "listed_until"]
    before = Listing.objects.filter(pk=draft_listing.pk).values(*fields).get()
    sent = form_values(page_as(client, applicant_member, url, "zh-hans"), "market-form")
    assert (sent["listed_from"], sent["listed_until"]) == (
        draft_listing.listed_from.isoformat(), draft_listing.listed_until.isoformat(),
    )  # fmt: skip
    response = client.post(url, sent, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert (response.status_code, response["Location"]) == (302, reverse("market:detail", args=[draft_listing.pk]))
    assert Listing.objects.filter(pk=draft_listing.pk).values(*fields).get() == before
    assert AuditEvent.objects.filter(action="listing.update", object_id=str(draft_listing.pk)).count() == 1


@pytest.fixture
def catalogue(seller, applicant_admin):  # type: ignore[no-untyped-def]
    """600 published achievements of the seller, published one a minute apart: the oldest is the 600th
    newest, outside the newest 500 the form lists."""
    now = timezone.now()
    Achievement.objects.bulk_create(
        AchievementFactory.build(
            organisation=seller, created_by=applicant_admin, status=AchievementStatus.PUBLISHED,
            published_at=now - datetime.timedelta(minutes=n), name=f"成果{n:03d}",
        )
        for n in range(600)
    )  # fmt: skip
    return Achievement.objects.get(name="成果599")


def _offered(response) -> list[int | str]:  # type: ignore[no-untyped-def]
    return [pk for pk, _name in response.context["form"].fields["achievement"].choices]


def test_the_form_lists_the_newest_500_and_the_one_asked_for(client, catalogue, applicant_admin):
    client.force_login(applicant_admin)
    plain = _offered(client.get(reverse("market:create")))
    assert len(plain) == 501 and catalogue.pk not in plain
    names = dict(Achievement.objects.values_list("pk", "name"))
    assert (names[plain[1]], names[plain[-1]]) == ("成果000", "成果499")  # newest first
    response = client.get(f"{reverse('market:create')}?achievement={catalogue.pk}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert _offered(response) == ["", catalogue.pk, *plain[1:]]
    assert f'<option value="{catalogue.pk}" selected>成果599</option>' in response.content.decode()


def test_editing_a_listing_of_an_older_achievement_keeps_it(client, catalogue, seller, applicant_member):
    listing = ListingFactory(organisation=seller, created_by=applicant_member, achievement=catalogue, patent_numbers="")
    page = page_as(client, applicant_member, reverse("market:edit", args=[listing.pk]), "zh-hans")
    assert f'<option value="{catalogue.pk}" selected>成果599</option>' in page
    response = client.post(reverse("market:edit", args=[listing.pk]), form_values(page, "market-form"))
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.achievement_id == catalogue.pk


def test_posting_an_older_achievement_lists_it(client, catalogue, seller, applicant_admin):
    client.force_login(applicant_admin)
    today = timezone.localdate()
    post = {
        "organisation": seller.pk, "achievement": catalogue.pk, "mode": "assignment", "price_min": "100",
        "listed_from": today.isoformat(), "listed_until": (today + 30 * DAY).isoformat(),
    }  # fmt: skip
    response = client.post(reverse("market:create"), post)
    listing = Listing.objects.get()
    assert (response.status_code, listing.achievement_id, listing.title) == (302, catalogue.pk, "成果599")


@pytest.mark.parametrize("whose", ["another organisation's", "a draft", "²", "99999999999999999999999"])
def test_an_achievement_the_user_may_not_list_is_neither_offered_nor_accepted(
    client, whose, seller, applicant_member, applicant_admin, buyer, outsider
):
    if whose == "another organisation's":
        asked = str(AchievementFactory(organisation=buyer, created_by=outsider, status=AchievementStatus.PUBLISHED).pk)
    elif whose == "a draft":
        asked = str(AchievementFactory(organisation=seller, created_by=applicant_admin).pk)
    else:  # not an id: no error page either
        asked = whose
    client.force_login(applicant_member)
    shown = client.get(f"{reverse('market:create')}?achievement={asked}")
    assert shown.status_code == 200 and _offered(shown) == [""]
    today = timezone.localdate()
    post = {
        "organisation": seller.pk, "achievement": asked, "mode": "assignment", "price_min": "100",
        "listed_from": today.isoformat(), "listed_until": (today + 30 * DAY).isoformat(),
    }  # fmt: skip
    response = client.post(reverse("market:create"), post, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "achievement": [
            f"“{asked}” is not one of the choices.",
            "Choose a published achievement or give the patent numbers.",
        ]
    }
    assert not Listing.objects.exists()


def test_the_auction_form_gives_its_times_as_iso_in_chinese():
    starts = timezone.make_aware(datetime.datetime(2026, 12, 7, 9, 30))
    form = AuctionForm(initial={"starts_at": starts, "ends_at": starts + datetime.timedelta(hours=2)})
    with translation.override("zh-hans"):
        html = str(form["starts_at"]) + str(form["ends_at"])
    assert 'type="datetime-local" name="starts_at" value="2026-12-07T09:30"' in html
    assert 'type="datetime-local" name="ends_at" value="2026-12-07T11:30"' in html
