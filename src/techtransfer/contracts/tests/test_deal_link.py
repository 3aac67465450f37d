"""A contract carries out an agreed market deal: the link is checked, unique while active, prefilled from
the deal page, and shown on the contract, the deal and the achievement pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone, translation

from techtransfer.achievements.choices import AchievementStatus
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.contracts import selectors, services
from techtransfer.contracts.choices import ContractStatus, ContractType
from techtransfer.contracts.errors import ContractErrors
from techtransfer.contracts.models import Contract
from techtransfer.contracts.tests.factories import buyer, contract_data, draft, registered
from techtransfer.core.errors import DomainError
from techtransfer.market import services as market
from techtransfer.market.choices import ListingMode, ListingStatus
from techtransfer.market.models import Deal, Listing
from techtransfer.market.tests.factories import ListingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def achievement(seller, applicant_admin):  # type: ignore[no-untyped-def]
    return AchievementFactory(
        organisation=seller,
        created_by=applicant_admin,
        status=AchievementStatus.PUBLISHED,
        registration_number="360202610077",
        published_at=timezone.now(),
    )


@pytest.fixture
def listing(seller, applicant_admin, achievement):  # type: ignore[no-untyped-def]
    return ListingFactory(
        organisation=seller,
        created_by=applicant_admin,
        achievement=achievement,
        patent_numbers="",
        mode=ListingMode.EXCLUSIVE_LICENCE,
        status=ListingStatus.PUBLISHED,
        published_at=timezone.now(),
        listed_until=timezone.localdate() + datetime.timedelta(days=30),
    )


@pytest.fixture
def agreed(listing, outsider, other_org, applicant_admin) -> Deal:  # type: ignore[no-untyped-def]
    deal = market.open_deal(actor=outsider, listing_id=listing.pk, buyer_id=other_org.pk, amount=Decimal("100.00"))
    return market.agree_deal(actor=applicant_admin, deal_id=deal.pk)


def test_a_contract_links_an_agreed_deal_and_takes_its_achievement(seller, applicant_admin, agreed, achievement):
    c = draft(seller, applicant_admin, deal_id=agreed.pk)
    assert (c.deal_id, c.achievement_id) == (agreed.pk, achievement.pk)
    assert list(selectors.deals_open_for_contract(applicant_admin)) == []
    assert list(selectors.deals_open_for_contract(applicant_admin, contract=c)) == [agreed]


def test_a_negotiating_deal_or_another_sellers_deal_is_refused(
    seller, applicant_admin, listing, outsider, other_org, gov_orgs
):  # type: ignore[no-untyped-def]
    open_deal = market.open_deal(actor=outsider, listing_id=listing.pk, buyer_id=other_org.pk, amount=Decimal("9"))
    with pytest.raises(DomainError) as exc:
        draft(seller, applicant_admin, deal_id=open_deal.pk)
    assert exc.value.error == ContractErrors.DEAL
    assert exc.value.details == {"field": "deal"}
    # The buyer's side cannot register the deal as the seller.
    market.agree_deal(actor=applicant_admin, deal_id=open_deal.pk)
    with pytest.raises(DomainError) as exc:
        services.create_contract(
            actor=outsider,
            organisation_id=other_org.pk,
            data={**contract_data(), "deal_id": open_deal.pk},
            parties={"buyer": buyer()},
        )
    assert exc.value.error == ContractErrors.DEAL
    assert Contract.objects.count() == 0


def test_one_active_contract_per_deal_until_it_is_cancelled(seller, applicant_admin, county_reviewer, agreed):  # type: ignore[no-untyped-def]
    first = registered(seller, applicant_admin, county_reviewer, deal_id=agreed.pk)
    with pytest.raises(DomainError) as exc:
        draft(seller, applicant_admin, deal_id=agreed.pk)
    assert exc.value.error == ContractErrors.DEAL_TAKEN
    other = draft(seller, applicant_admin)
    with pytest.raises(DomainError) as exc:
        services.update_contract(actor=applicant_admin, contract_id=other.pk, data={"deal_id": agreed.pk})
    assert exc.value.error == ContractErrors.DEAL_TAKEN
    services.cancel_contract(actor=county_reviewer, contract_id=first.pk, reason="合同解除")
    assert Contract.objects.get(pk=first.pk).status == ContractStatus.CANCELLED
    services.update_contract(actor=applicant_admin, contract_id=other.pk, data={"deal_id": agreed.pk})
    assert Contract.objects.get(pk=other.pk).deal_id == agreed.pk


def test_the_database_refuses_a_second_active_contract_for_a_deal(seller, applicant_admin, agreed):
    """The partial unique constraint backs the service check (two drafts racing for one deal)."""
    first = draft(seller, applicant_admin, deal_id=agreed.pk)
    second = draft(seller, applicant_admin)
    second.deal_id = agreed.pk
    with pytest.raises(DomainError) as exc:
        services._save_linked(second, update_fields=["deal"])
    assert exc.value.error == ContractErrors.DEAL_TAKEN
    assert list(Contract.objects.filter(deal_id=agreed.pk)) == [first]


def test_the_deal_page_leads_to_a_prefilled_contract_form(seller, applicant_admin, agreed, other_org, achievement):
    client = Client(headers={"accept-language": "en"})
    client.force_login(applicant_admin)
    deal_page = client.get(f"/market/deals/{agreed.pk}/").content.decode()
    assert f'href="/contracts/new/?deal={agreed.pk}"' in deal_page
    form = client.get(f"/contracts/new/?deal={agreed.pk}")
    assert form.status_code == 200
    f = form.context["form"]
    assert f.initial["deal"] == agreed.pk
    assert f.initial["contract_amount"] == Decimal("1000000.00")
    assert f.initial["contract_type"] == ContractType.LICENSING
    assert f.initial["achievement_number"] == "360202610077"
    assert form.context["parties"]["buyer"].initial["name"] == other_org.name
    # The seller is the listing's organisation: filled in too (it was left empty).
    seller_initial = form.context["parties"]["seller"].initial
    assert (seller_initial["name"], seller_initial["uscc"]) == (seller.name, seller.uscc)
    # The nature comes from the credit code (12…: a public institution), else the organisation's type.
    from techtransfer.contracts.services import party_nature
    from techtransfer.core.models import Organisation

    assert seller_initial["nature"] == party_nature(seller.uscc, seller)
    assert [
        party_nature(code, Organisation(uscc=code, type=kind))
        for code, kind in (
            ("12360000MB0000000X", "enterprise"),
            ("91360100MA00000000", "university"),
            ("", "research_institute"),
            ("", "enterprise"),
            ("51360000MJ0000000X", "other"),
        )
    ] == ["public_institution", "enterprise", "public_institution", "enterprise", "social_organisation"]
    assert [d.pk for d in f.fields["deal"].queryset] == [agreed.pk]
    # The subtypes come grouped under their contract type, with the map the page's script reads.
    page = form.content.decode()
    assert '<optgroup label="Technology transfer (技术转让)">' in page
    assert '<script id="contract-subtypes" type="application/json">{"development": ["commissioned", ' in page


def test_the_buyer_sees_no_register_link_and_cannot_prefill(agreed, outsider):
    client = Client()
    client.force_login(outsider)
    assert "/contracts/new/?deal=" not in client.get(f"/market/deals/{agreed.pk}/").content.decode()
    form = client.get(f"/contracts/new/?deal={agreed.pk}")
    assert "deal" not in form.context["form"].initial


def test_the_path_is_shown_on_contract_deal_and_achievement_pages(
    seller, applicant_admin, county_reviewer, agreed, achievement
):  # type: ignore[no-untyped-def]
    c = registered(seller, applicant_admin, county_reviewer, deal_id=agreed.pk)
    client = Client()
    client.force_login(applicant_admin)
    contract_page = client.get(f"/contracts/{c.pk}/").content.decode()
    assert f'href="/market/deals/{agreed.pk}/"' in contract_page
    assert f'href="/market/listings/{agreed.listing_id}/"' in contract_page
    assert "360202610077" in contract_page and c.registration_number in contract_page
    # Named as what it is (English read a bare "Path"; 转化路径 in Chinese).
    with translation.override("en"):
        english = client.get(f"/contracts/{c.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<dt class="col-sm-5">Transfer path</dt><dd class="col-sm-7" id="contract-path">' in english
    deal_page = client.get(f"/market/deals/{agreed.pk}/").content.decode()
    # The deal has its contract: no second one is offered, and its old link says why the form is empty.
    assert c.registration_number in deal_page and "/contracts/new/?deal=" not in deal_page
    again = client.get(f"/contracts/new/?deal={agreed.pk}")
    assert "deal" not in again.context["form"].initial
    assert [str(m) for m in again.context["messages"]] == ["该交易已不能登记新的合同：它已有合同，或不属于您。"]
    achievement_page = client.get(f"/achievements/{achievement.pk}/").content.decode()
    assert f'href="/market/deals/{agreed.pk}/"' in achievement_page and c.registration_number in achievement_page


def test_api_takes_and_returns_the_deal(seller, applicant_admin, agreed):
    client = Client()
    client.force_login(applicant_admin)
    payload = {
        "organisation_id": seller.pk,
        "name": "稀土永磁专利独占许可合同",
        "contract_type": "licensing",
        "tech_field": "new_materials",
        "signed_on": "2026-03-01",
        "term_start": "2026-03-01",
        "term_end": "2027-02-28",
        "contract_amount": "1000000.00",
        "deal_id": agreed.pk,
        "parties": [{"role": "buyer", "name": "买方", "region_code": "360702", "nature": "enterprise"}],
    }
    response = client.post("/api/v1/contracts", payload, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["deal_id"] == agreed.pk
    again = client.post("/api/v1/contracts", payload, content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (409, "contract_deal_taken")


def test_a_deal_in_registration_cannot_be_cancelled_until_the_contract_is(
    seller, applicant_admin, county_reviewer, agreed, outsider
):  # type: ignore[no-untyped-def]
    c = registered(seller, applicant_admin, county_reviewer, deal_id=agreed.pk)
    with pytest.raises(DomainError) as exc:
        market.cancel_deal(actor=outsider, deal_id=agreed.pk, reason="买方反悔")
    assert exc.value.error == ContractErrors.DEAL_HAS_CONTRACT
    client = Client()
    client.force_login(outsider)
    assert "/do/cancel/" not in client.get(f"/market/deals/{agreed.pk}/").content.decode()
    services.cancel_contract(actor=county_reviewer, contract_id=c.pk, reason="合同解除")
    assert f"/market/deals/{agreed.pk}/do/cancel/" in client.get(f"/market/deals/{agreed.pk}/").content.decode()
    assert market.cancel_deal(actor=outsider, deal_id=agreed.pk, reason="合同解除").status == "cancelled"


def test_a_draft_whose_deal_was_cancelled_cannot_be_submitted(seller, applicant_admin, agreed, outsider):
    from techtransfer.contracts.tests.factories import pdf

    c = draft(seller, applicant_admin, deal_id=agreed.pk)
    market.cancel_deal(actor=outsider, deal_id=agreed.pk, reason="买方撤回")  # a draft does not block it
    services.attach_signed_contract(actor=applicant_admin, contract_id=c.pk, upload=pdf())
    with pytest.raises(DomainError) as exc:
        services.submit_contract(actor=applicant_admin, contract_id=c.pk)
    assert exc.value.error == ContractErrors.DEAL_NOT_AGREED
    assert Contract.objects.get(pk=c.pk).status == ContractStatus.DRAFT


def _contract_form(seller, deal, amount):  # type: ignore[no-untyped-def]
    return {
        "organisation": seller.pk, "name": "稀土永磁专利独占许可合同", "contract_type": "licensing", "subtype": "",
        "tech_field": "new_materials", "ip_type": "patent", "plan_category": "none", "signed_on": "2026-03-01",
        "term_start": "2026-03-01", "term_end": "2027-02-28", "contract_amount": amount, "non_technical_costs": "0",
        "carrier_costs": "0", "deal": deal.pk,
        "buyer-name": "买方", "buyer-region": "360102", "buyer-nature": "public_institution",
        "buyer-country": "CHN", "seller-nature": "enterprise", "seller-country": "CHN",
        "intermediary-nature": "enterprise", "intermediary-country": "CHN",
    }  # fmt: skip


def test_an_amount_other_than_the_deals_is_saved_only_once_confirmed(seller, applicant_admin, agreed):  # type: ignore[no-untyped-def]
    """The deal was agreed at 100 (10,000 yuan); a contract of 1.00 yuan is said, and kept, until confirmed."""
    client = Client(headers={"accept-language": "en"})
    client.force_login(applicant_admin)
    data = _contract_form(seller, agreed, "1.00")
    first = client.post("/contracts/new/", data)
    page = first.content.decode()
    assert first.status_code == 200 and Contract.objects.count() == 0
    assert first.context["form"].errors == {
        "contract_amount": [
            "The contract amount of 1.00 yuan differs from the amount agreed in the deal, 100.00 (10,000 yuan) = "
            "1,000,000.00 yuan: check the unit. Tick “The amount is right” to save it anyway."
        ]
    }
    assert 'type="checkbox" name="confirm_amount"' in page and 'name="contract_amount" value="1.00"' in page
    confirmed = client.post("/contracts/new/", {**data, "confirm_amount": "on"})
    contract = Contract.objects.get()
    assert (confirmed.status_code, confirmed["Location"]) == (302, f"/contracts/{contract.pk}/")
    assert (contract.contract_amount, contract.deal_id) == (Decimal("1.00"), agreed.pk)


def test_the_deals_amount_in_yuan_needs_no_confirmation(seller, applicant_admin, agreed):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(applicant_admin)
    response = client.post("/contracts/new/", _contract_form(seller, agreed, "1000000.00"))
    assert response.status_code == 302
    assert Contract.objects.get().contract_amount == Decimal("1000000.00")
    # Without a deal there is nothing to compare with: a usual amount goes through as it is.
    response = client.post("/contracts/new/", {**_contract_form(seller, agreed, "26400.00"), "deal": ""})
    assert response.status_code == 302 and Contract.objects.count() == 2


def test_the_deals_buyer_organisation_sees_the_contract(seller, applicant_admin, county_reviewer, agreed, outsider):  # type: ignore[no-untyped-def]
    """The buyer party row carries no platform link or code here: the deal says who the buyer is."""
    draft_only = draft(seller, applicant_admin, deal_id=agreed.pk)
    client = Client()
    client.force_login(outsider)
    assert client.get(f"/contracts/{draft_only.pk}/").status_code == 404  # a draft stays the seller's
    Contract.objects.filter(pk=draft_only.pk).delete()  # frees the deal for the registered one
    c = registered(seller, applicant_admin, county_reviewer, deal_id=agreed.pk)
    assert client.get(f"/contracts/{c.pk}/").status_code == 200
    assert client.get(f"/api/v1/contracts/{c.pk}").json()["registration_number"] == c.registration_number
    assert [i["id"] for i in client.get("/api/v1/contracts").json()["items"]] == [c.pk]
    assert c.name in client.get("/contracts/").content.decode()


def test_the_path_links_the_deal_only_for_who_may_open_it(
    seller, applicant_admin, county_reviewer, ganzhou_reviewer, agreed
):  # type: ignore[no-untyped-def]
    """The buyer party is in 赣州: its reviewers see the registered contract (absorption) but not the
    deal on a listing of 南昌县. A listing they may not see is shown as text too."""
    c = registered(seller, applicant_admin, county_reviewer, deal_id=agreed.pk)
    client = Client(headers={"accept-language": "en"})
    client.force_login(ganzhou_reviewer)
    assert client.get(f"/market/deals/{agreed.pk}/").status_code == 404
    page = client.get(f"/contracts/{c.pk}/").content.decode()
    assert f'<span id="contract-deal">deal #{agreed.pk}</span>' in page
    assert f"/market/deals/{agreed.pk}/" not in page
    # The listing is published: everyone may open it.
    assert f'<a href="/market/listings/{agreed.listing_id}/" id="contract-listing">' in page
    Listing.objects.filter(pk=agreed.listing_id).update(status=ListingStatus.DRAFT)
    page = client.get(f"/contracts/{c.pk}/").content.decode()
    assert f'<span id="contract-listing">listing #{agreed.listing_id}</span>' in page
    client.force_login(county_reviewer)
    page = client.get(f"/contracts/{c.pk}/").content.decode()
    assert f'<a href="/market/deals/{agreed.pk}/" id="contract-deal">deal #{agreed.pk}</a>' in page
