"""An achievement's page offers its organisation's admins "Put on the market" while it is published and not listed."""

import pytest
from django.test import Client

from techtransfer.achievements.choices import AchievementStatus
from techtransfer.market.choices import ListingStatus

pytestmark = pytest.mark.django_db

LINK = 'id="achievement-list-on-market"'


def page(user, achievement):
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        c.force_login(user)
    return c.get(f"/achievements/{achievement.pk}/").content.decode()


def test_the_admin_of_a_published_unlisted_record_gets_the_link(published_achievement, applicant_admin):
    html = page(applicant_admin, published_achievement)
    assert (
        f'<a class="btn btn-outline-primary btn-sm" {LINK} '
        f'href="/market/listings/new/?achievement={published_achievement.pk}">Put on the market</a>'
    ) in html
    form = Client()
    form.force_login(applicant_admin)
    response = form.get(f"/market/listings/new/?achievement={published_achievement.pk}")
    assert response.context["form"]["achievement"].value() == str(published_achievement.pk)


def test_no_link_for_members_outsiders_and_visitors(published_achievement, applicant_member, outsider):
    for user in (applicant_member, outsider, None):
        assert LINK not in page(user, published_achievement)


def test_no_link_once_listed_and_again_after_the_listing_ended(listing, published_achievement, applicant_admin):
    assert LINK not in page(applicant_admin, published_achievement)
    listing.status = ListingStatus.WITHDRAWN
    listing.save(update_fields=["status"])
    assert LINK in page(applicant_admin, published_achievement)


def test_no_link_for_a_record_not_published(published_achievement, applicant_admin):
    published_achievement.status = AchievementStatus.EXPIRED
    published_achievement.save(update_fields=["status"])
    assert LINK not in page(applicant_admin, published_achievement)
