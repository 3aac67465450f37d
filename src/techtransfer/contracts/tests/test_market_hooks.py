"""The deal page asks the market's hook whether a deal has its technology contract; contracts answers:
any linked contract that is not cancelled holds the deal, cancelling it frees the deal again."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from techtransfer.achievements.choices import AchievementStatus
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.contracts import market_hooks, services
from techtransfer.contracts.tests.factories import agreed_deal, draft, registered
from techtransfer.market import hooks
from techtransfer.market.choices import ListingMode
from techtransfer.market.models import Deal

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreed(seller, applicant_admin, outsider, other_org) -> Deal:  # type: ignore[no-untyped-def]
    achievement = AchievementFactory(
        organisation=seller, created_by=applicant_admin, status=AchievementStatus.PUBLISHED,
        registration_number="360202610078", published_at=timezone.now(),
    )  # fmt: skip
    mode = ListingMode.NON_EXCLUSIVE_LICENCE
    return agreed_deal(seller, applicant_admin, outsider, other_org, "100.00", mode, achievement=achievement)


def test_contracts_registers_its_holder_once():
    assert hooks._holders.count(market_hooks.deal_held_by_contract) == 1
    hooks.on_deal_held(market_hooks.deal_held_by_contract)  # registering again changes nothing
    assert hooks._holders.count(market_hooks.deal_held_by_contract) == 1


def test_the_register_link_follows_the_holding_contract(seller, applicant_admin, county_reviewer, agreed):
    client = Client()
    client.force_login(applicant_admin)
    link = f'href="/contracts/new/?deal={agreed.pk}"'
    assert hooks.is_held(agreed) is False
    assert link in client.get(f"/market/deals/{agreed.pk}/").content.decode()
    first = draft(seller, applicant_admin, deal_id=agreed.pk)  # a draft holds the deal already
    assert hooks.is_held(agreed) is True
    assert link not in client.get(f"/market/deals/{agreed.pk}/").content.decode()
    first.delete()
    held = registered(seller, applicant_admin, county_reviewer, deal_id=agreed.pk)
    assert hooks.is_held(agreed) is True
    assert link not in client.get(f"/market/deals/{agreed.pk}/").content.decode()
    services.cancel_contract(actor=county_reviewer, contract_id=held.pk, reason="合同解除")
    assert hooks.is_held(agreed) is False
    assert link in client.get(f"/market/deals/{agreed.pk}/").content.decode()


def test_without_a_holder_the_market_holds_no_deal(seller, applicant_admin, agreed, monkeypatch):
    """The market alone (no app answering) holds no deal, even one that a contract carries out."""
    draft(seller, applicant_admin, deal_id=agreed.pk)
    monkeypatch.setattr(hooks, "_holders", [])
    assert hooks.is_held(agreed) is False
