"""A market deal's technology broker (ADR 0030 addendum): an admin of the seller or of the buyer names
a broker of a verified organisation who belongs to neither side; the broker is told and sees the deal;
once the deal is agreed, each side rates the broker once (a second rating replaces the first); the
brokers page counts the deals and their ratings beside the inquiries'.

Personas: the seller is the applicant enterprise (applicant_admin, applicant_member), the buyer the
outsider's university (outsider is its admin); the broker works for a verified service agency."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from techtransfer.audit.models import AuditEvent
from techtransfer.core.choices import OrganisationType, Role
from techtransfer.core.errors import DomainError
from techtransfer.core.models import User
from techtransfer.core.tests.factories import MembershipFactory, OrganisationFactory, member, unverified_broker, verify
from techtransfer.market import services
from techtransfer.market.choices import DealSource, DealStatus
from techtransfer.market.models import Deal, DealBrokerRating
from techtransfer.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency(db):  # type: ignore[no-untyped-def]
    return verify(OrganisationFactory(type=OrganisationType.SERVICE_AGENCY, region_id="360103", name="转移中心"))


@pytest.fixture
def broker(agency):  # type: ignore[no-untyped-def]
    user = member("broker", agency, Role.BROKER)
    user.display_name = "李经纪"
    user.save(update_fields=["display_name"])
    return user


@pytest.fixture
def deal(listing, buyer, outsider):  # type: ignore[no-untyped-def]
    return services.open_deal(actor=outsider, listing_id=listing.pk, buyer_id=buyer.pk, amount=Decimal("120"))


@pytest.fixture
def brokered(deal, applicant_admin, broker):  # type: ignore[no-untyped-def]
    return services.set_deal_broker(actor=applicant_admin, deal_id=deal.pk, username="broker")


@pytest.fixture
def agreed(brokered, applicant_member):  # type: ignore[no-untyped-def]
    return services.agree_deal(actor=applicant_member, deal_id=brokered.pk)


def _client(user: User) -> Client:
    c = Client(headers={"accept-language": "en"})
    c.force_login(user)
    return c


def _page(user: User, deal: Deal) -> str:
    return _client(user).get(reverse("market:deal", args=[deal.pk])).content.decode()


def _post(user: User, deal: Deal, what: str, data: dict[str, str], **kwargs: object):  # type: ignore[no-untyped-def]
    return _client(user).post(reverse("market:deal_broker", args=[deal.pk, what]), data, **kwargs)


def _second_broker(username: str = "broker2") -> User:
    other = verify(OrganisationFactory(type=OrganisationType.SERVICE_AGENCY, region_id="360103", name="另一中心"))
    return member(username, other, Role.BROKER)


# --- naming the broker ----------------------------------------------------------------------------


def test_an_admin_of_either_side_names_the_broker_who_is_told_and_sees_the_deal(
    deal, applicant_admin, outsider, broker
):  # type: ignore[no-untyped-def]
    assert _client(broker).get(f"/market/deals/{deal.pk}/").status_code == 404  # not named yet
    response = _post(applicant_admin, deal, "broker", {"username": " broker "}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["李经纪 now brokers this deal and has been told."]
    deal.refresh_from_db()
    assert deal.broker == broker
    event = AuditEvent.objects.get(action="deal.set_broker")
    assert (event.actor, event.changes, event.object_id) == (
        applicant_admin,
        {"broker": [None, broker.pk]},
        str(deal.pk),
    )
    note = Notification.objects.get(user=broker)
    assert (note.kind, note.url) == ("market.deal_broker", f"/market/deals/{deal.pk}/")
    assert note.texts["en"]["title"] == f"You broker the deal on “{deal.listing.title}”"
    page = _page(broker, deal)
    assert '<dd class="col-sm-9" id="deal-broker">李经纪</dd>' in page
    assert 'id="broker-form"' not in page and 'id="rating-form"' not in page
    # The buyer's admin may change it while the deal is negotiated.
    _second_broker()
    services.set_deal_broker(actor=outsider, deal_id=deal.pk, username="broker2")
    deal.refresh_from_db()
    assert deal.broker.username == "broker2"
    assert [e.changes["broker"] for e in AuditEvent.objects.filter(action="deal.set_broker").order_by("pk")] == [
        [None, broker.pk],
        [broker.pk, deal.broker_id],
    ]
    # The former broker no longer opens it.
    assert _client(broker).get(f"/market/deals/{deal.pk}/").status_code == 404


def test_naming_the_same_broker_again_writes_nothing(brokered, applicant_admin, broker):
    services.set_deal_broker(actor=applicant_admin, deal_id=brokered.pk, username="broker")
    assert AuditEvent.objects.filter(action="deal.set_broker").count() == 1
    assert Notification.objects.filter(user=broker).count() == 1


def test_only_the_sides_admins_see_the_form_and_may_name_a_broker(
    deal, applicant_admin, applicant_member, outsider, province_official, platform_admin, broker
):  # type: ignore[no-untyped-def]
    assert 'id="broker-form"' in _page(applicant_admin, deal)
    assert 'id="broker-form"' in _page(outsider, deal)
    assert 'id="broker-form"' in _page(platform_admin, deal)
    assert 'id="broker-form"' not in _page(applicant_member, deal)  # a member, not an admin
    assert 'id="broker-form"' not in _page(province_official, deal)  # sees the deal, is no party
    for user in (applicant_member, province_official):
        with pytest.raises(DomainError) as exc:
            services.set_deal_broker(actor=user, deal_id=deal.pk, username="broker")
        assert exc.value.code == "not_found"
    # Posted anyway: refused, said above the page (the person sees the deal: not "does not exist").
    response = _post(applicant_member, deal, "broker", {"username": "broker"})
    assert response.status_code == 400
    assert [str(m) for m in response.context["messages"]] == ["You are not allowed to do this."]
    deal.refresh_from_db()
    assert deal.broker is None
    assert not AuditEvent.objects.filter(action="deal.set_broker").exists()
    assert not Notification.objects.filter(user=broker).exists()


def test_an_account_that_is_no_broker_is_refused_quoting_the_user_name(
    deal, applicant_admin, outsider, applicant_member
):  # type: ignore[no-untyped-def]
    unverified_broker("unverified_broker")  # a broker of an organisation not verified
    for username in ("nobody", "unverified_broker", "applicant_member"):
        with pytest.raises(DomainError) as exc:
            services.set_deal_broker(actor=applicant_admin, deal_id=deal.pk, username=username)
        assert (exc.value.code, exc.value.details) == ("deal_not_broker", {"field": "username", "value": username})
    with translation.override("en"):
        assert exc.value.message == (
            "“applicant_member” is not the user name of a technology broker of a verified organisation."
        )
    response = _post(applicant_admin, deal, "broker", {"username": "nobody"})
    assert response.status_code == 400
    assert response.context["broker_form"].errors == {
        "username": ["“nobody” is not the user name of a technology broker of a verified organisation."]
    }
    deal.refresh_from_db()
    assert deal.broker is None


def test_a_broker_belonging_to_either_side_is_refused(deal, applicant_admin, buyer, seller):
    insider = _second_broker()
    MembershipFactory(user=insider, organisation=seller)
    member("party_broker", buyer, Role.BROKER)  # a broker of the buyer's own organisation
    for username in ("broker2", "party_broker"):
        with pytest.raises(DomainError) as exc:
            services.set_deal_broker(actor=applicant_admin, deal_id=deal.pk, username=username)
        assert (exc.value.code, exc.value.details) == (
            "deal_broker_of_a_party",
            {"field": "username", "value": username},
        )
    with translation.override("en"):
        assert (
            exc.value.message == "“party_broker” is a member of the seller or the buyer: choose an independent broker."
        )
    deal.refresh_from_db()
    assert deal.broker is None


def test_the_broker_of_an_agreed_deal_is_fixed_but_an_agreed_deal_without_one_names_one_once(
    agreed, listing, buyer, applicant_admin, broker
):  # type: ignore[no-untyped-def]
    _second_broker()
    with pytest.raises(DomainError) as exc:
        services.set_deal_broker(actor=applicant_admin, deal_id=agreed.pk, username="broker2")
    assert (exc.value.code, exc.value.http_status) == ("deal_broker_fixed", 409)
    assert 'id="broker-form"' not in _page(applicant_admin, agreed)
    agreed.refresh_from_db()
    assert agreed.broker == broker
    # An auction's deal is agreed when it is made: it may still name its broker, once.
    won = Deal.objects.create(
        listing=listing, buyer=buyer, amount=Decimal("130"), status=DealStatus.AGREED, source=DealSource.AUCTION
    )
    assert 'id="broker-form"' in _page(applicant_admin, won)
    services.set_deal_broker(actor=applicant_admin, deal_id=won.pk, username="broker2")
    with pytest.raises(DomainError) as exc:
        services.set_deal_broker(actor=applicant_admin, deal_id=won.pk, username="broker")
    assert exc.value.code == "deal_broker_fixed"
    assert Deal.objects.get(pk=won.pk).broker.username == "broker2"


def test_a_cancelled_deal_names_no_broker(deal, outsider, applicant_admin, broker):
    services.cancel_deal(actor=outsider, deal_id=deal.pk, reason="预算取消")
    with pytest.raises(DomainError) as exc:
        services.set_deal_broker(actor=applicant_admin, deal_id=deal.pk, username="broker")
    assert exc.value.code == "deal_broker_fixed"
    assert 'id="broker-form"' not in _page(applicant_admin, deal)


# --- who sees what ------------------------------------------------------------------------------


def test_the_broker_sees_the_deals_they_broker_and_no_other(brokered, listing, buyer, outsider, broker):
    from techtransfer.market.access import deals_visible_to

    other = services.open_deal(actor=outsider, listing_id=listing.pk, buyer_id=buyer.pk, amount=Decimal("110"))
    assert list(deals_visible_to(broker)) == [brokered]
    c = _client(broker)
    assert c.get(f"/market/deals/{other.pk}/").status_code == 404
    page = c.get(reverse("market:brokered_deals")).content.decode()
    assert f'<a href="/market/deals/{brokered.pk}/">#{brokered.pk}</a>' in page
    assert f"#{other.pk}<" not in page
    assert c.get(f"/api/v1/market/deals/{brokered.pk}").json()["broker_id"] == broker.pk
    assert c.get(f"/api/v1/market/deals/{other.pk}").status_code == 404


def test_an_outsider_gets_404_for_the_deal_its_forms_and_its_ratings(agreed, broker):
    stranger = member("stranger", verify(OrganisationFactory(name="无关企业")))
    c = _client(stranger)
    assert c.get(f"/market/deals/{agreed.pk}/").status_code == 404
    assert c.post(reverse("market:deal_broker", args=[agreed.pk, "rating"]), {"score": "5"}).status_code == 404
    assert c.post(reverse("market:deal_broker", args=[agreed.pk, "broker"]), {"username": "x"}).status_code == 404
    assert c.get(f"/api/v1/market/deals/{agreed.pk}/ratings").status_code == 404
    response = c.post(f"/api/v1/market/deals/{agreed.pk}/rating", {"score": 5}, content_type="application/json")
    assert response.status_code == 404
    with pytest.raises(DomainError) as exc:
        services.rate_deal_broker(actor=stranger, deal_id=agreed.pk, score=5)
    assert exc.value.code == "not_found"
    assert not DealBrokerRating.objects.exists()


# --- rating the broker --------------------------------------------------------------------------


def test_nobody_rates_before_the_deal_is_agreed(brokered, applicant_admin):
    assert 'id="rating-form"' not in _page(applicant_admin, brokered)
    with pytest.raises(DomainError) as exc:
        services.rate_deal_broker(actor=applicant_admin, deal_id=brokered.pk, score=5)
    assert (exc.value.code, exc.value.http_status) == ("broker_not_ratable", 409)
    response = _post(applicant_admin, brokered, "rating", {"score": "5", "comment": "很好"})
    assert response.status_code == 400
    assert [str(m) for m in response.context["messages"]] == [
        "The broker can be rated once the deal is agreed, by the seller and by the buyer."
    ]
    assert not DealBrokerRating.objects.exists()


def test_each_side_rates_once_and_may_change_its_rating(
    agreed, applicant_admin, applicant_member, outsider, broker, province_official
):  # type: ignore[no-untyped-def]
    page = _page(applicant_admin, agreed)
    assert "Rate the broker 李经纪 for 南昌县测试企业</h2>" in page
    assert _post(applicant_admin, agreed, "rating", {"score": "3", "comment": "回复较慢"}).status_code == 302
    assert _post(applicant_member, agreed, "rating", {"score": "4", "comment": "沟通及时"}).status_code == 302
    assert _post(outsider, agreed, "rating", {"score": "5"}).status_code == 302
    rows = DealBrokerRating.objects.order_by("pk").values_list(
        "organisation__name", "rated_by__username", "broker__username", "score", "comment"
    )
    assert list(rows) == [
        ("南昌县测试企业", "applicant_member", "broker", 4, "沟通及时"),
        ("东湖测试大学", "outsider", "broker", 5, ""),
    ]
    events = AuditEvent.objects.filter(action="deal.rate_broker").order_by("pk")
    assert [(e.changes["score"], e.changes["comment"]) for e in events] == [
        ([None, 3], [None, "回复较慢"]),
        ([3, 4], ["回复较慢", "沟通及时"]),
        ([None, 5], [None, ""]),
    ]
    rated = Notification.objects.filter(user=broker, kind="market.deal_broker").order_by("pk")[1:]
    assert [n.texts["en"]["title"] for n in rated] == [
        f"南昌县测试企业 rated your brokering of the deal on “{agreed.listing.title}”: 3 of 5",
        f"南昌县测试企业 rated your brokering of the deal on “{agreed.listing.title}”: 4 of 5",
        f"东湖测试大学 rated your brokering of the deal on “{agreed.listing.title}”: 5 of 5",
    ]
    # The form is filled with the side's rating; the ratings are listed to the parties and the broker.
    page = _page(applicant_admin, agreed)
    assert '<option value="4" selected>' in page
    for user in (applicant_admin, outsider, broker):
        page = _page(user, agreed)
        assert "<li>南昌县测试企业: 4 of 5 — 沟通及时</li>" in page and "<li>东湖测试大学: 5 of 5</li>" in page
    # The broker rates nobody; a government viewer sees the broker but neither form nor ratings.
    assert 'id="rating-form"' not in _page(broker, agreed)
    official = _page(province_official, agreed)
    assert '<dd class="col-sm-9" id="deal-broker">李经纪</dd>' in official
    assert 'id="rating-form"' not in official and 'id="broker-ratings"' not in official


def test_the_broker_and_a_bad_score_are_refused(agreed, applicant_admin, broker):
    response = _post(broker, agreed, "rating", {"score": "5"})
    assert response.status_code == 400
    with pytest.raises(DomainError) as exc:
        services.rate_deal_broker(actor=broker, deal_id=agreed.pk, score=5)
    assert exc.value.code == "broker_not_ratable"
    response = _post(applicant_admin, agreed, "rating", {"score": "6"})
    assert response.status_code == 400
    assert response.context["rating_form"].errors == {"score": ["“6” is not one of the choices."]}
    with pytest.raises(DomainError) as exc:
        services.rate_deal_broker(actor=applicant_admin, deal_id=agreed.pk, score=0)
    assert (exc.value.code, exc.value.details) == ("broker_rating_score", {"field": "score"})
    assert not DealBrokerRating.objects.exists()


def test_a_side_cannot_rate_a_broker_who_is_its_member(agreed, applicant_admin, outsider, broker, buyer):
    """The broker joined the buyer after being named: the buyer may not rate them, the seller still does."""
    MembershipFactory(user=broker, organisation=buyer)
    assert 'id="rating-form"' not in _page(outsider, agreed)
    with pytest.raises(DomainError) as exc:
        services.rate_deal_broker(actor=outsider, deal_id=agreed.pk, score=5)
    assert (exc.value.code, exc.value.http_status) == ("broker_of_rating_side", 409)
    assert services.rate_deal_broker(actor=applicant_admin, deal_id=agreed.pk, score=4).broker == broker
    assert list(DealBrokerRating.objects.values_list("organisation_id", flat=True)) == [agreed.listing.organisation_id]


def test_a_cancelled_deal_is_not_rated(agreed, outsider, applicant_admin):
    services.cancel_deal(actor=outsider, deal_id=agreed.pk, reason="合同未能签订")
    with pytest.raises(DomainError) as exc:
        services.rate_deal_broker(actor=applicant_admin, deal_id=agreed.pk, score=2)
    assert exc.value.code == "broker_not_ratable"
    assert 'id="rating-form"' not in _page(applicant_admin, agreed)


def test_the_list_of_brokered_deals_asks_the_same_queries_for_many_deals(brokered, listing, buyer, outsider, broker):  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = _client(broker)
    url = reverse("market:brokered_deals")
    c.get(url)
    with CaptureQueriesContext(connection) as one:
        assert c.get(url).status_code == 200
    for n in range(5):
        more = services.open_deal(actor=outsider, listing_id=listing.pk, buyer_id=buyer.pk, amount=Decimal(130 + n))
        services.set_deal_broker(actor=outsider, deal_id=more.pk, username="broker")
    with CaptureQueriesContext(connection) as six:
        page = c.get(url).content.decode()
    assert page.count('<a href="/market/deals/') == 6
    assert len(one) == len(six)
