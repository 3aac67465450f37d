"""Every address taken from a request (`next`, the Referer) leads back to this site only."""

import pytest
from django.test import Client

from techtransfer.core.tests.factories import PASSWORD, UserFactory
from techtransfer.market.choices import ListingStatus
from techtransfer.market.tests.factories import ListingFactory

pytestmark = pytest.mark.django_db

ELSEWHERE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_sign_in_and_out_stay_on_the_site(target):
    UserFactory(username="walker")
    client = Client()
    response = client.post("/login/", {"username": "walker", "password": PASSWORD, "next": target})
    assert (response.status_code, response["Location"]) == (302, "/workspace/")
    response = client.post("/logout/", {"next": target})
    assert (response.status_code, response["Location"]) == (302, "/")


@pytest.mark.parametrize("target", ELSEWHERE)
def test_the_language_switch_stays_on_the_site(target):
    response = Client().post("/i18n/setlang/", {"language": "en", "next": target}, HTTP_REFERER=target)
    assert (response.status_code, response["Location"]) == (302, "/")


def test_a_form_page_links_back_only_to_a_referer_of_this_site():
    """`here` (the language form's next on a page answering a POST) takes the Referer's path only
    from this host; the switch then checks it again."""
    client = Client()
    page = client.post("/login/", {"username": "x", "password": "y"}, HTTP_REFERER="https://evil.example/a?b=1")
    assert 'name="next" type="hidden" value="/"' in page.content.decode()


@pytest.mark.parametrize("target", ELSEWHERE)
def test_watching_a_listing_stays_on_the_site(target, outsider, applicant_org):
    listing = ListingFactory(organisation=applicant_org, status=ListingStatus.PUBLISHED)
    client = Client()
    client.force_login(outsider)
    response = client.post(f"/market/listings/{listing.pk}/watch/", {"on": "1", "next": target})
    assert (response.status_code, response["Location"]) == (302, "/market/watchlist/")
