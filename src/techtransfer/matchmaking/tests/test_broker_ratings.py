"""Rating the broker (the plan's service evaluation and credit mechanism): once an inquiry is
finished, a member of either side gives 1–5 stars and a comment, one rating a side (a second replaces
the first, audited); the broker is told; the brokers page shows the average and how many."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from techtransfer.audit.models import AuditEvent
from techtransfer.core.choices import OrganisationType, Role
from techtransfer.core.errors import DomainError
from techtransfer.core.tests.factories import MembershipFactory, OrganisationFactory, member, verify
from techtransfer.matchmaking import services
from techtransfer.matchmaking.choices import InquiryStatus as S
from techtransfer.matchmaking.models import BrokerRating
from techtransfer.matchmaking.selectors import agency_numbers
from techtransfer.needs.tests.factories import published_need
from techtransfer.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker(db):  # type: ignore[no-untyped-def]
    agency = verify(OrganisationFactory(type=OrganisationType.SERVICE_AGENCY, region_id="360103", name="转移中心"))
    user = member("broker", agency, Role.BROKER)
    user.display_name = "李经纪"
    user.save(update_fields=["display_name"])
    return user


@pytest.fixture
def inquiry(applicant_org, applicant_admin, county_reviewer, outsider, other_org, broker):  # type: ignore[no-untyped-def]
    need = published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer)
    made = services.start_inquiry(
        actor=outsider,
        organisation_id=other_org.pk,
        subject="关于退磁问题",
        message="我们有晶界扩散技术",
        need_id=need.pk,
    )
    services.assign_broker(actor=applicant_admin, inquiry_id=made.pk, username="broker")
    return made


def _page(user, inquiry) -> str:  # type: ignore[no-untyped-def]
    c = Client(headers={"accept-language": "en"})
    c.force_login(user)
    return c.get(reverse("matchmaking:detail", args=[inquiry.pk])).content.decode()


def _rate(user, inquiry, score: str, comment: str = ""):  # type: ignore[no-untyped-def]
    c = Client(headers={"accept-language": "en"})
    c.force_login(user)
    return c.post(reverse("matchmaking:post", args=[inquiry.pk, "rating"]), {"score": score, "comment": comment})


def test_nobody_rates_before_the_inquiry_is_finished(inquiry, applicant_admin):
    assert 'id="rating-form"' not in _page(applicant_admin, inquiry)
    with pytest.raises(DomainError) as exc:
        services.rate_broker(actor=applicant_admin, inquiry_id=inquiry.pk, score=5)
    assert exc.value.error.code == "broker_not_ratable"
    assert not BrokerRating.objects.exists()


def test_each_side_rates_once_and_may_change_its_rating(inquiry, applicant_admin, applicant_member, outsider, broker):
    services.change_status(actor=applicant_admin, inquiry_id=inquiry.pk, status=S.CLOSED, reason="需求已解决")
    page = _page(applicant_admin, inquiry)
    assert "Rate the broker 李经纪 for 南昌县测试企业</h2>" in page
    assert _rate(applicant_admin, inquiry, "3", "回复较慢").status_code == 302
    assert _rate(applicant_member, inquiry, "4", "沟通及时").status_code == 302  # the same side: replaces
    assert _rate(outsider, inquiry, "5").status_code == 302
    rows = BrokerRating.objects.order_by("pk").values_list(
        "organisation__name", "rated_by__username", "score", "comment"
    )
    assert list(rows) == [("南昌县测试企业", "applicant_member", 4, "沟通及时"), ("东湖测试大学", "outsider", 5, "")]
    events = AuditEvent.objects.filter(action="inquiry.rate_broker").order_by("pk")
    assert [e.changes["score"] for e in events] == [[None, 3], [3, 4], [None, 5]]
    assert Notification.objects.filter(user=broker, title__contains="对您经纪的“关于退磁问题”评分").count() == 3
    page = _page(applicant_admin, inquiry)
    assert "<li>南昌县测试企业: 4 of 5 — 沟通及时</li>" in page and "<li>东湖测试大学: 5 of 5</li>" in page
    c = Client(headers={"accept-language": "en"})
    c.force_login(applicant_admin)
    brokers = c.get(reverse("matchmaking:brokers")).content.decode()
    assert (
        "<tr><td>李经纪</td><td>转移中心</td><td>0</td><td>0</td><td>1</td><td>0%</td><td>0</td><td>0</td><td>0</td>"
        "<td>4.5 of 5 (2 ratings)</td></tr>" in brokers
    )
    # Per agency: its brokers' numbers summed, the average of all their ratings.
    assert (
        "<tr><td>转移中心</td><td>1</td><td>0</td><td>0</td><td>1</td><td>0%</td><td>0</td><td>0</td><td>0</td>"
        "<td>4.5 of 5 (2 ratings)</td></tr>" in brokers
    )


def test_the_broker_does_not_rate_and_a_bad_score_is_refused(inquiry, applicant_admin, broker):
    services.change_status(actor=applicant_admin, inquiry_id=inquiry.pk, status=S.CLOSED, reason="需求已解决")
    assert 'id="rating-form"' not in _page(broker, inquiry)
    assert _rate(broker, inquiry, "5").status_code == 400
    response = _rate(applicant_admin, inquiry, "6")
    assert response.status_code == 400
    assert list(response.context["rating_form"].errors) == ["score"]
    assert not BrokerRating.objects.exists()


def test_the_api_rates_and_lists(client, inquiry, applicant_admin, outsider):
    client.force_login(outsider)
    url = f"/api/v1/inquiries/{inquiry.pk}/rating"
    early = client.post(url, {"score": 4}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert (early.status_code, early.json()["code"]) == (409, "broker_not_ratable")
    services.change_status(actor=applicant_admin, inquiry_id=inquiry.pk, status=S.CLOSED, reason="需求已解决")
    bad = client.post(url, {"score": 0}, content_type="application/json")
    assert bad.status_code == 422 and list(bad.json()["details"]["fields"]) == ["score"]
    done = client.post(url, {"score": 4, "comment": "专业"}, content_type="application/json")
    assert done.status_code == 200
    assert {k: done.json()[k] for k in ("score", "comment", "organisation_id")} == {
        "score": 4, "comment": "专业", "organisation_id": inquiry.initiator_id,
    }  # fmt: skip
    listed = client.get(f"/api/v1/inquiries/{inquiry.pk}/ratings").json()
    assert [(r["organisation_id"], r["score"]) for r in listed] == [(inquiry.initiator_id, 4)]


def test_an_agencys_rating_weighs_each_rating_once():
    def row(agency: str, signed: int, closed: int, rating: float | None, ratings: int) -> dict[str, object]:
        return {"agency": agency, "open": 1, "signed": signed, "closed": closed, "rating": rating,
                "ratings": ratings, "rating_sum": (rating or 0) * ratings}  # fmt: skip

    rows = [row("甲中心", 1, 0, 5.0, 1), row("甲中心", 2, 1, 3.0, 3), row("乙中心", 0, 2, None, 0)]
    assert [
        (a["agency"], a["brokers"], a["open"], a["signed"], a["closed"], a["success_rate"], a["rating"], a["ratings"])
        for a in agency_numbers(rows)
    ] == [("甲中心", 2, 2, 3, 1, 75, 3.5, 4), ("乙中心", 1, 1, 0, 2, 0, None, 0)]


def _second_broker(username: str = "broker2"):  # type: ignore[no-untyped-def]
    agency = verify(OrganisationFactory(type=OrganisationType.SERVICE_AGENCY, region_id="360103", name="另一中心"))
    return member(username, agency, Role.BROKER)


@pytest.mark.parametrize("status", [S.CLOSED, S.CONTRACT_SIGNED])
def test_the_broker_of_a_finished_inquiry_cannot_be_changed(inquiry, applicant_admin, broker, status):
    """QA: an org admin reassigned the broker of a signed inquiry, then rated the new one."""
    if status == S.CONTRACT_SIGNED:
        for step in (S.NEGOTIATING, S.INTENTION_SIGNED, S.CONTRACT_SIGNED):
            services.change_status(actor=applicant_admin, inquiry_id=inquiry.pk, status=step)
    else:
        services.change_status(actor=applicant_admin, inquiry_id=inquiry.pk, status=S.CLOSED, reason="需求已解决")
    _second_broker()
    with pytest.raises(DomainError) as exc:
        services.assign_broker(actor=applicant_admin, inquiry_id=inquiry.pk, username="broker2")
    assert (exc.value.code, exc.value.http_status) == ("inquiry_broker_finished", 409)
    inquiry.refresh_from_db()
    assert inquiry.broker == broker
    assert AuditEvent.objects.filter(action="inquiry.assign_broker").count() == 1


def test_a_broker_belonging_to_either_party_is_refused(inquiry, applicant_admin, other_org, broker):
    insider = _second_broker()
    member("party_broker", other_org, Role.BROKER)  # a broker of the other side's own organisation
    MembershipFactory(user=insider, organisation=inquiry.initiator)
    for username in ("broker2", "party_broker"):
        with pytest.raises(DomainError) as exc:
            services.assign_broker(actor=applicant_admin, inquiry_id=inquiry.pk, username=username)
        assert (exc.value.code, exc.value.details) == (
            "inquiry_broker_of_a_party",
            {"field": "username", "value": username},
        )
    inquiry.refresh_from_db()
    assert inquiry.broker == broker
    assert AuditEvent.objects.filter(action="inquiry.assign_broker").count() == 1


def test_a_side_cannot_rate_a_broker_who_is_its_member(inquiry, applicant_admin, outsider, broker):
    """The broker joined the initiating side after the assignment: that side may not rate them."""
    MembershipFactory(user=broker, organisation=inquiry.initiator)
    services.change_status(actor=applicant_admin, inquiry_id=inquiry.pk, status=S.CLOSED, reason="需求已解决")
    initiator_member = outsider  # the outsider started the inquiry for other_org
    assert 'id="rating-form"' not in _page(initiator_member, inquiry)
    with pytest.raises(DomainError) as exc:
        services.rate_broker(actor=initiator_member, inquiry_id=inquiry.pk, score=5)
    assert (exc.value.code, exc.value.http_status) == ("broker_of_rating_side", 409)
    assert _rate(initiator_member, inquiry, "5").status_code == 400
    assert not BrokerRating.objects.exists()
    # The other side still rates the broker who did the work.
    assert services.rate_broker(actor=applicant_admin, inquiry_id=inquiry.pk, score=4).broker == broker


def test_a_refused_rating_without_a_form_on_the_page_says_why(inquiry, applicant_admin, broker):
    """QA: a rating posted on an inquiry still open answered 400 with no visible message."""
    response = _rate(applicant_admin, inquiry, "5", "很好")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="rating-form"' not in page
    assert (
        '<div class="alert alert-danger" role="alert">'
        "The broker can be rated once the inquiry is finished, by either side.</div>"
    ) in page
    assert not BrokerRating.objects.exists()


def test_assigning_a_broker_is_confirmed_and_only_those_who_may_assign_see_the_form(
    inquiry, applicant_admin, applicant_member, broker
):  # type: ignore[no-untyped-def]
    """QA: no message after assigning; the broker was offered the assign form they may not use."""
    _second_broker()
    c = Client(headers={"accept-language": "en"})
    c.force_login(applicant_admin)
    response = c.post(reverse("matchmaking:post", args=[inquiry.pk, "broker"]), {"username": "broker2"}, follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["broker2 now brokers this inquiry and has been told."]
    assert 'id="broker-form"' in response.content.decode()
    assert 'id="broker-form"' not in _page(broker, inquiry)
    assert 'id="broker-form"' not in _page(applicant_member, inquiry)  # not an admin of either side
    services.change_status(actor=applicant_admin, inquiry_id=inquiry.pk, status=S.CLOSED, reason="需求已解决")
    assert 'id="broker-form"' not in _page(applicant_admin, inquiry)  # finished: no reassignment
