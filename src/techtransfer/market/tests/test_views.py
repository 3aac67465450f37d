"""Market pages and the API: filters shared by both, query budgets, forms that keep input."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from techtransfer.core.choices import OrganisationStatus
from techtransfer.core.models import Organisation
from techtransfer.core.tests.factories import page_as
from techtransfer.market.choices import ListingMode
from techtransfer.market.choices import ListingStatus as S
from techtransfer.market.filters import ListingFilterSet
from techtransfer.market.models import Listing
from techtransfer.market.tests.factories import ListingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(seller, applicant_member, buyer):  # type: ignore[no-untyped-def]
    def make(title: str, mode: str, low: str, high: str | None, **kw: object) -> Listing:
        return ListingFactory(
            title=title, mode=mode, price_min=Decimal(low), price_max=Decimal(high) if high else None,
            organisation=kw.pop("organisation", seller), created_by=applicant_member, status=kw.pop("status", S.PUBLISHED),
            published_at=timezone.now(), **kw,
        )  # fmt: skip

    return {
        "a": make("永磁电机许可", ListingMode.NON_EXCLUSIVE_LICENCE, "50", "80"),
        "b": make("锂电池转让", ListingMode.ASSIGNMENT, "300", None),
        "c": make("稀土分离入股", ListingMode.EQUITY, "120", "200", organisation=buyer),
        "draft": make("草稿", ListingMode.ASSIGNMENT, "10", None, status=S.DRAFT),
    }


def titles(qs) -> set[str]:  # type: ignore[no-untyped-def]
    return {x.title for x in qs}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"永磁电机许可", "锂电池转让", "稀土分离入股"}),
        ({"mode": "assignment"}, {"锂电池转让"}),
        ({"price_min": "100"}, {"锂电池转让", "稀土分离入股"}),
        ({"price_max": "100"}, {"永磁电机许可"}),
        ({"price_min": "70", "price_max": "150"}, {"永磁电机许可", "稀土分离入股"}),
        ({"region": "360100"}, {"永磁电机许可", "锂电池转让", "稀土分离入股"}),
        ({"region": "360121"}, {"永磁电机许可", "锂电池转让"}),
        ({"q": "稀土"}, {"稀土分离入股"}),
    ],
)
def test_filterset(market, params, expected):
    from techtransfer.market.access import public_listings

    fs = ListingFilterSet(params, queryset=public_listings())
    assert fs.is_valid()
    assert titles(fs.qs) == expected


def test_market_page_filters_and_query_budget(client, market, django_assert_max_num_queries):
    for i in range(15):
        ListingFactory(organisation=market["a"].organisation, status=S.PUBLISHED, title=f"批量{i}")
    with django_assert_max_num_queries(6):
        response = client.get(reverse("market:list"), {"mode": "non_exclusive_licence"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "永磁电机许可" in body and "锂电池转让" not in body and "草稿" not in body


def test_api_list_uses_the_same_filters(client, market, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/market/listings", {"mode": "equity"})
    assert response.status_code == 200
    payload = response.json()
    assert payload["count"] == 1
    item = payload["items"][0]
    assert (item["title"], item["price_min"], item["price_max"], item["region_code"]) == (
        "稀土分离入股", "120.00", "200.00", "360102",
    )  # fmt: skip


def test_api_hides_drafts_from_outsiders(client, market, outsider):
    client.force_login(outsider)
    assert client.get(f"/api/v1/market/listings/{market['draft'].pk}").status_code == 404


def test_detail_shows_the_achievement_listing_deal_path(client, listing, published_achievement):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions below read English texts
    response = client.get(reverse("market:detail", args=[listing.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert published_achievement.registration_number in body and "no deal yet" in body


def test_draft_detail_is_not_found_for_outsiders(client, market, outsider):
    client.force_login(outsider)
    assert client.get(reverse("market:detail", args=[market["draft"].pk])).status_code == 404


def test_a_draft_of_an_unverified_organisation_is_explained_to_its_members_only(
    client, applicant_org, applicant_member, platform_admin
):
    """A platform admin opening another organisation's draft was offered "Submit", which answered
    "Your organisation must be verified before it can list or trade."."""
    listing = ListingFactory(organisation=applicant_org, created_by=applicant_member)
    url = reverse("market:detail", args=[listing.pk])
    page = page_as(client, applicant_member, url)
    assert (
        '<p class="alert alert-info" id="listing-submit-blocked">'
        "Your organisation must be verified before it can list or trade.</p>" in page
    )
    assert 'value="submit"' not in page and 'id="listing-actions"' not in page
    page = page_as(client, platform_admin, url)
    assert '<span class="badge text-bg-secondary" id="listing-status">Draft</span>' in page
    assert "must be verified" not in page and 'id="listing-submit-blocked"' not in page
    assert 'value="submit"' not in page
    Organisation.objects.filter(pk=applicant_org.pk).update(status=OrganisationStatus.VERIFIED)
    for user in (applicant_member, platform_admin):
        page = page_as(client, user, url)
        assert 'id="listing-submit-blocked"' not in page and 'name="action" value="submit">Submit</button>' in page


def test_create_form_keeps_input_on_error(client, seller, applicant_admin, published_achievement):
    client.force_login(applicant_admin)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions below read English texts
    today = timezone.localdate()
    response = client.post(
        reverse("market:create"),
        {
            "organisation": seller.pk, "achievement": published_achievement.pk, "mode": "assignment",
            "price_min": "300", "price_max": "100", "listed_from": today.isoformat(),
            "listed_until": (today + datetime.timedelta(days=30)).isoformat(), "description": "保留的描述",
        },
    )  # fmt: skip
    assert response.status_code == 200
    body = response.content.decode()
    assert "保留的描述" in body and "must not exceed" in body
    assert Listing.objects.count() == 0
    response = client.post(
        reverse("market:create"),
        {
            "organisation": seller.pk, "achievement": published_achievement.pk, "mode": "assignment",
            "price_min": "100", "listed_from": today.isoformat(),
            "listed_until": (today + datetime.timedelta(days=30)).isoformat(),
        },
    )  # fmt: skip
    listing = Listing.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("market:detail", args=[listing.pk])
    assert listing.title == published_achievement.name


def test_watch_then_watchlist_page(client, listing, outsider):
    client.force_login(outsider)
    client.post(reverse("market:watch", args=[listing.pk]), {"on": "1"})
    response = client.get(reverse("market:watchlist"))
    assert listing.title in response.content.decode()


@pytest.mark.parametrize(
    ("sent", "to"),
    [
        ("/market/?page=2", "/market/?page=2"),
        ("https://evil.example/phish", "/market/watchlist/"),
        ("//evil.example/phish", "/market/watchlist/"),
        ("", "/market/watchlist/"),
    ],
)
def test_watch_returns_only_to_a_page_of_this_site(client, listing, outsider, sent, to):
    client.force_login(outsider)
    response = client.post(reverse("market:watch", args=[listing.pk]), {"on": "1", "next": sent})
    assert (response.status_code, response["Location"]) == (302, to)


def test_reviewer_publishes_from_the_page(client, seller, applicant_member, county_reviewer):
    listing = ListingFactory(organisation=seller, created_by=applicant_member, status=S.UNDER_REVIEW)
    client.force_login(county_reviewer)
    assert listing.title in client.get(reverse("market:review_queue")).content.decode()
    client.post(reverse("market:action", args=[listing.pk, "publish"]))
    listing.refresh_from_db()
    assert listing.status == S.PUBLISHED


# --- a listing for one buyer with an agreed deal is said sold in the lists and the API ----------


@pytest.fixture
def sold_market(market, buyer, applicant_member):  # type: ignore[no-untyped-def]
    """Sold: the assignment "b" and 15 more assignments. Still on offer: the non-exclusive licence "a",
    though it has an agreed deal, and "c", which has none."""
    from techtransfer.market.choices import DealStatus
    from techtransfer.market.models import Deal

    more = [
        ListingFactory(
            organisation=market["a"].organisation, status=S.PUBLISHED, mode=ListingMode.ASSIGNMENT, title=f"批量{i}",
            published_at=timezone.now(),
        )
        for i in range(15)
    ]  # fmt: skip
    for listing in [market["a"], market["b"], *more]:
        Deal.objects.create(
            listing=listing, buyer=buyer, amount=Decimal("100"), status=DealStatus.AGREED, created_by=applicant_member
        )
    return market


def test_the_market_page_badges_sold_listings_within_the_query_budget(
    client, sold_market, django_assert_max_num_queries
):
    """The list never said that a listing was sold; it says so without a query per row."""
    with django_assert_max_num_queries(6):
        response = client.get(reverse("market:list"), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    b, a, c = sold_market["b"], sold_market["a"], sold_market["c"]
    assert f'<span class="badge text-bg-info" id="sold-{b.pk}">Sold</span>' in page
    assert f'id="sold-{a.pk}"' not in page and f'id="sold-{c.pk}"' not in page
    assert page.count('class="badge text-bg-info" id="sold-') == 16  # all 18 on one page, 16 sold
    zh = client.get(reverse("market:list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'<span class="badge text-bg-info" id="sold-{b.pk}">已售出</span>' in zh


def test_the_api_says_which_listings_are_sold_without_a_query_per_row(
    client, sold_market, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/market/listings")
    items = response.json()["items"]
    assert response.json()["count"] == 18 and len(items) == 18
    sold = {item["title"] for item in items if item["sold"]}
    assert sold == {"锂电池转让", *(f"批量{i}" for i in range(15))}
    assert {item["title"]: item["sold"] for item in items if not item["sold"]} == {
        "永磁电机许可": False, "稀土分离入股": False,
    }  # fmt: skip
    for key, expected in (("b", True), ("a", False), ("c", False)):
        detail = client.get(f"/api/v1/market/listings/{sold_market[key].pk}")
        assert detail.status_code == 200 and detail.json()["sold"] is expected


def test_my_listings_and_the_watchlist_badge_sold_listings(client, sold_market, applicant_member, outsider):
    from techtransfer.market import services

    client.force_login(applicant_member)
    b = sold_market["b"]
    badge = f'<span class="badge text-bg-info" id="sold-{b.pk}">Sold</span>'
    assert badge in client.get(reverse("market:mine"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.force_login(outsider)
    services.watch(actor=outsider, listing_id=b.pk)
    assert badge in client.get(reverse("market:watchlist"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_listing_page_gives_each_field_its_own_id(client, listing, outsider):
    """QA: the interest and deal forms both had id="id_organisation", so the deal form's "Buyer"
    label named the interest form's field."""
    import re
    from collections import Counter

    client.force_login(outsider)
    page = client.get(reverse("market:detail", args=[listing.pk])).content.decode()
    ids = Counter(re.findall(r'\bid="([^"]+)"', page))
    assert [i for i, n in ids.items() if n > 1] == []
    assert ('for="deal_organisation"' in page, 'for="id_organisation"' in page) == (True, True)
