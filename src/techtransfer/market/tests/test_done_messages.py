"""After a step, the page says where the record is now ("Done: the record is now “Submitted”."),
not a bare "Done.": listings here, organisations and catalogues alike (`core.done.done_now`)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from techtransfer.core.choices import OrganisationStatus
from techtransfer.market.tests.factories import ListingFactory

pytestmark = pytest.mark.django_db


def _said(user, url: str, data: dict[str, str] | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    c = Client(headers={"accept-language": "en"})
    c.force_login(user)
    response = c.post(url, data or {}, follow=True)
    return [str(m) for m in response.context["messages"]]


def test_a_submitted_listing(seller, applicant_member, published_achievement):
    draft = ListingFactory(
        organisation=seller, created_by=applicant_member, achievement=published_achievement, patent_numbers=""
    )
    assert _said(applicant_member, reverse("market:action", args=[draft.pk, "submit"])) == [
        "Done: the record is now “Submitted”."
    ]


def test_a_withdrawn_listing_in_chinese(listing, applicant_member):
    c = Client(headers={"accept-language": "zh-hans"})
    c.force_login(applicant_member)
    response = c.post(reverse("market:action", args=[listing.pk, "withdraw"]), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["已办理：该记录现为“已撤回”。"]


def test_a_verified_organisation(applicant_org, county_reviewer):
    assert applicant_org.status == OrganisationStatus.REGISTERED
    assert _said(county_reviewer, f"/organisations/{applicant_org.pk}/review/", {"action": "verify"}) == [
        "Done: the record is now “Verified”."
    ]
