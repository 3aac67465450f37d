"""The API of a deal's broker: DealOut.broker_id, naming the broker, the ratings and rating (ADR 0030
addendum). Same services and access as the deal page; refusals in the one error shape."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from techtransfer.core.choices import OrganisationType, Role
from techtransfer.core.models import User
from techtransfer.core.tests.factories import OrganisationFactory, member, verify
from techtransfer.market import services
from techtransfer.market.models import DealBrokerRating

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker(db):  # type: ignore[no-untyped-def]
    agency = verify(OrganisationFactory(type=OrganisationType.SERVICE_AGENCY, region_id="360103", name="转移中心"))
    return member("broker", agency, Role.BROKER)


@pytest.fixture
def deal(listing, buyer, outsider):  # type: ignore[no-untyped-def]
    return services.open_deal(actor=outsider, listing_id=listing.pk, buyer_id=buyer.pk, amount=Decimal("120"))


def _api(user: User) -> Client:
    c = Client(headers={"accept-language": "en"})
    c.force_login(user)
    return c


def test_an_admin_names_the_broker_and_the_deal_shows_it(deal, applicant_admin, broker):
    c = _api(applicant_admin)
    assert c.get(f"/api/v1/market/deals/{deal.pk}").json()["broker_id"] is None
    response = c.post(f"/api/v1/market/deals/{deal.pk}/broker", {"username": "broker"}, content_type="application/json")
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["broker_id"]) == (deal.pk, broker.pk)
    assert c.get(f"/api/v1/market/deals/{deal.pk}").json()["broker_id"] == broker.pk


def test_a_refused_broker_is_named_under_its_field_with_the_value_quoted(deal, applicant_admin, outsider):
    c = _api(applicant_admin)
    url = f"/api/v1/market/deals/{deal.pk}/broker"
    response = c.post(url, {"username": "wangwu"}, content_type="application/json")
    assert response.status_code == 422
    assert response.json() == {
        "code": "deal_not_broker",
        "message": "“wangwu” is not the user name of a technology broker of a verified organisation.",
        "details": {
            "fields": {
                "username": ["“wangwu” is not the user name of a technology broker of a verified organisation."]
            },
            "value": "wangwu",
        },
    }
    empty = c.post(url, {"username": ""}, content_type="application/json")
    assert (empty.status_code, list(empty.json()["details"]["fields"])) == (422, ["username"])
    services.cancel_deal(actor=outsider, deal_id=deal.pk, reason="预算取消")
    fixed = c.post(url, {"username": "broker"}, content_type="application/json")
    assert (fixed.status_code, fixed.json()["code"]) == (409, "deal_broker_fixed")


def test_a_member_who_is_no_admin_may_not_name_the_broker(deal, applicant_member, broker):
    response = _api(applicant_member).post(
        f"/api/v1/market/deals/{deal.pk}/broker", {"username": "broker"}, content_type="application/json"
    )
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_the_sides_rate_and_the_participants_list_the_ratings(
    deal, applicant_admin, applicant_member, outsider, broker, province_official
):  # type: ignore[no-untyped-def]
    services.set_deal_broker(actor=outsider, deal_id=deal.pk, username="broker")
    c = _api(outsider)
    url = f"/api/v1/market/deals/{deal.pk}/rating"
    early = c.post(url, {"score": 4}, content_type="application/json")
    assert (early.status_code, early.json()["code"]) == (409, "broker_not_ratable")
    services.agree_deal(actor=applicant_member, deal_id=deal.pk)
    bad = c.post(url, {"score": 0}, content_type="application/json")
    assert bad.status_code == 422 and list(bad.json()["details"]["fields"]) == ["score"]
    done = c.post(url, {"score": 4, "comment": "专业"}, content_type="application/json")
    assert done.status_code == 200
    assert {k: done.json()[k] for k in ("deal_id", "broker_id", "organisation_id", "score", "comment")} == {
        "deal_id": deal.pk, "broker_id": broker.pk, "organisation_id": deal.buyer_id, "score": 4, "comment": "专业",
    }  # fmt: skip
    own = _api(broker).post(url, {"score": 5}, content_type="application/json")
    assert (own.status_code, own.json()["code"]) == (409, "broker_not_ratable")
    for user in (applicant_admin, outsider, broker):
        listed = _api(user).get(f"/api/v1/market/deals/{deal.pk}/ratings").json()
        assert [(r["organisation_id"], r["score"]) for r in listed] == [(deal.buyer_id, 4)]
    # A government viewer opens the deal, not its ratings.
    gov = _api(province_official)
    assert gov.get(f"/api/v1/market/deals/{deal.pk}").status_code == 200
    assert gov.get(f"/api/v1/market/deals/{deal.pk}/ratings").status_code == 404
    assert DealBrokerRating.objects.count() == 1
