"""Naming an inquiry's broker: a user name that is no broker's of a verified organisation, or a broker
of either side, is refused quoting the user name given, under the field (`username`) on the page and
in the API's 422, as a market deal's broker is (`market/tests/test_deal_broker.py`)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from techtransfer.audit.models import AuditEvent
from techtransfer.core.choices import OrganisationType, Role
from techtransfer.core.errors import DomainError
from techtransfer.core.models import User
from techtransfer.core.tests.factories import OrganisationFactory, member, unverified_broker, verify
from techtransfer.matchmaking import services
from techtransfer.matchmaking.choices import InquiryStatus as S
from techtransfer.matchmaking.models import Inquiry
from techtransfer.needs.tests.factories import published_need

pytestmark = pytest.mark.django_db

NOT_A_BROKER = "“%s” is not the user name of a technology broker of a verified organisation."
OF_A_PARTY = "“%s” is a member of either organisation of the inquiry: choose an independent broker."


@pytest.fixture
def broker(db):  # type: ignore[no-untyped-def]
    agency = verify(OrganisationFactory(type=OrganisationType.SERVICE_AGENCY, region_id="360103", name="转移中心"))
    return member("broker", agency, Role.BROKER)


@pytest.fixture
def inquiry(applicant_org, applicant_admin, county_reviewer, outsider, other_org):  # type: ignore[no-untyped-def]
    """From other_org (the outsider, its admin) to applicant_org (applicant_admin, its admin)."""
    need = published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer)
    return services.start_inquiry(
        actor=outsider,
        organisation_id=other_org.pk,
        subject="关于退磁问题",
        message="我们有晶界扩散技术",
        need_id=need.pk,
    )


def _client(user: User, language: str = "en") -> Client:
    c = Client(headers={"accept-language": language})
    c.force_login(user)
    return c


def _nothing_assigned(inquiry: Inquiry) -> None:
    inquiry.refresh_from_db()
    assert inquiry.broker is None
    assert not AuditEvent.objects.filter(action="inquiry.assign_broker").exists()


def test_an_account_that_is_no_broker_is_refused_quoting_the_user_name(inquiry, applicant_admin, applicant_member):  # type: ignore[no-untyped-def]
    unverified_broker("unverified_broker")  # a broker of an organisation not verified
    for username in ("nobody", "unverified_broker", "applicant_member"):
        with pytest.raises(DomainError) as exc:
            services.assign_broker(actor=applicant_admin, inquiry_id=inquiry.pk, username=f" {username} ")
        assert (exc.value.code, exc.value.details) == ("inquiry_not_broker", {"field": "username", "value": username})
    with translation.override("en"):
        assert exc.value.message == NOT_A_BROKER % "applicant_member"
    with translation.override("zh-hans"):  # the market's words, translated
        assert exc.value.message == "“applicant_member”不是已核验机构技术经纪人的用户名。"
    _nothing_assigned(inquiry)


def test_a_broker_of_either_side_is_refused_quoting_the_user_name(inquiry, applicant_admin, other_org, applicant_org):  # type: ignore[no-untyped-def]
    member("their_broker", other_org, Role.BROKER)  # a broker of the enquirer's own organisation
    member("own_broker", verify(applicant_org), Role.BROKER)  # of the need's owner, verified
    for username in ("their_broker", "own_broker"):
        with pytest.raises(DomainError) as exc:
            services.assign_broker(actor=applicant_admin, inquiry_id=inquiry.pk, username=username)
        assert (exc.value.code, exc.value.details) == (
            "inquiry_broker_of_a_party",
            {"field": "username", "value": username},
        )
    with translation.override("en"):
        assert exc.value.message == OF_A_PARTY % "own_broker"
    _nothing_assigned(inquiry)


def test_the_page_says_the_refusal_under_the_field(inquiry, applicant_admin, other_org):  # type: ignore[no-untyped-def]
    member("their_broker", other_org, Role.BROKER)
    url = reverse("matchmaking:post", args=[inquiry.pk, "broker"])
    for username, said in (("wangwu", NOT_A_BROKER), ("their_broker", OF_A_PARTY)):
        response = _client(applicant_admin).post(url, {"username": username})
        assert response.status_code == 400
        assert response.context["broker_form"].errors == {"username": [said % username]}
    chinese = _client(applicant_admin, "zh-hans").post(url, {"username": "wangwu"})
    assert chinese.context["broker_form"].errors == {"username": ["“wangwu”不是已核验机构技术经纪人的用户名。"]}
    _nothing_assigned(inquiry)


def test_the_api_assigns_the_broker(inquiry, applicant_admin, broker):  # type: ignore[no-untyped-def]
    response = _client(applicant_admin).post(
        f"/api/v1/inquiries/{inquiry.pk}/broker", {"username": "broker"}, content_type="application/json"
    )
    assert (response.status_code, response.json()["id"], response.json()["broker_id"]) == (200, inquiry.pk, broker.pk)
    assert AuditEvent.objects.filter(action="inquiry.assign_broker", object_id=str(inquiry.pk)).count() == 1


def test_the_api_says_the_refusal_under_the_field_with_the_value_quoted(inquiry, applicant_admin, other_org):  # type: ignore[no-untyped-def]
    member("their_broker", other_org, Role.BROKER)
    c = _client(applicant_admin)
    url = f"/api/v1/inquiries/{inquiry.pk}/broker"
    for username, code, said in (
        ("wangwu", "inquiry_not_broker", NOT_A_BROKER),
        ("their_broker", "inquiry_broker_of_a_party", OF_A_PARTY),
    ):
        response = c.post(url, {"username": username}, content_type="application/json")
        assert (response.status_code, response.json()) == (
            422,
            {
                "code": code,
                "message": said % username,
                "details": {"fields": {"username": [said % username]}, "value": username},
            },
        )
    chinese = _client(applicant_admin, "zh-hans").post(url, {"username": "wangwu"}, content_type="application/json")
    assert chinese.json()["details"]["fields"] == {"username": ["“wangwu”不是已核验机构技术经纪人的用户名。"]}
    empty = c.post(url, {"username": ""}, content_type="application/json")
    assert (empty.status_code, list(empty.json()["details"]["fields"])) == (422, ["username"])
    _nothing_assigned(inquiry)


def test_the_api_refuses_those_who_may_not_assign_and_a_finished_inquiry(  # type: ignore[no-untyped-def]
    inquiry, applicant_admin, applicant_member, broker
):
    url = f"/api/v1/inquiries/{inquiry.pk}/broker"
    not_admin = _client(applicant_member).post(url, {"username": "broker"}, content_type="application/json")
    assert (not_admin.status_code, not_admin.json()["code"]) == (404, "not_found")
    services.change_status(actor=applicant_admin, inquiry_id=inquiry.pk, status=S.CLOSED, reason="需求已解决")
    finished = _client(applicant_admin).post(url, {"username": "broker"}, content_type="application/json")
    assert (finished.status_code, finished.json()["code"]) == (409, "inquiry_broker_finished")
    _nothing_assigned(inquiry)
