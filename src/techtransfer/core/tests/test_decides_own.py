"""Nobody decides a record of an organisation they belong to (回避): a reviewer who is also a member of
the record's organisation may see it, but cannot review, publish, register or verify it; the queues,
the waiting counts and the "waiting for you" notices leave it out for them, and another reviewer of
the department decides it. Platform admins are exempt."""

from __future__ import annotations

import pytest
from django.urls import reverse

from techtransfer.achievements import services as achievement_services
from techtransfer.achievements.access import can_on_achievement
from techtransfer.achievements.choices import AchievementStatus
from techtransfer.achievements.selectors import review_queue as achievement_queue
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.contracts import selectors as contract_selectors
from techtransfer.contracts import services as contract_services
from techtransfer.contracts.tests.factories import FULL_CHECKLIST, buyer, submitted
from techtransfer.core import services as core_services
from techtransfer.core.choices import Role
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.roles import forget
from techtransfer.core.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from techtransfer.market import services as market_services
from techtransfer.market.access import can_on_listing
from techtransfer.market.choices import ListingStatus
from techtransfer.market.selectors import review_queue as listing_queue
from techtransfer.market.tests.factories import ListingFactory
from techtransfer.needs import services as need_services
from techtransfer.needs.access import can_on_need
from techtransfer.needs.access import review_queue as need_queue
from techtransfer.needs.tests.factories import need_data, verify
from techtransfer.notifications.models import Notification


@pytest.fixture
def insider(county_reviewer, applicant_org):  # type: ignore[no-untyped-def]
    """The county reviewer, also a member of the applicant enterprise."""
    MembershipFactory(user=county_reviewer, organisation=applicant_org, role=Role.MEMBER)
    forget(county_reviewer)
    return county_reviewer


@pytest.fixture
def seller(applicant_org, settings, tmp_path):  # type: ignore[no-untyped-def]
    """The applicant enterprise, verified, filing contracts (their files under a temporary root)."""
    settings.MEDIA_ROOT = tmp_path
    return verify(applicant_org)


@pytest.fixture
def colleague(gov_orgs):  # type: ignore[no-untyped-def]
    """Another reviewer of the same county department, not of the enterprise."""
    user = UserFactory(username="county_colleague")
    MembershipFactory(user=user, organisation=gov_orgs["county"], role=Role.GOV_REVIEWER)
    return user


def _refused(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value.error.code


def test_a_need_of_ones_own_organisation_is_decided_by_a_colleague(insider, colleague, applicant_org, applicant_admin):
    verify(applicant_org)
    need = need_services.create_need(actor=applicant_admin, organisation_id=applicant_org.pk, data=need_data())
    need_services.submit_need(actor=applicant_admin, need_id=need.pk)
    # Told: the colleague only (the nearest department's reviewers, less the enterprise's members).
    told = set(Notification.objects.filter(kind="needs.waiting").values_list("user__username", flat=True))
    assert told == {"county_colleague"}
    assert list(need_queue(insider)) == []
    assert list(need_queue(colleague)) == [need]
    assert can_on_need(insider, need, "view") and not can_on_need(insider, need, "review")
    action = "start_review"
    assert (
        _refused(lambda: need_services.review_need(actor=insider, need_id=need.pk, action=action)) == "own_organisation"
    )
    assert need_services.review_need(actor=colleague, need_id=need.pk, action="start_review").status == "under_review"
    assert _refused(lambda: need_services.review_need(actor=insider, need_id=need.pk, action="publish")) == (
        "own_organisation"
    )


def test_a_listing_of_ones_own_organisation_is_not_reviewed_by_its_member(insider, colleague, applicant_org):
    listing = ListingFactory(organisation=applicant_org, status=ListingStatus.SUBMITTED)
    assert list(listing_queue(insider)) == []
    assert list(listing_queue(colleague)) == [listing]
    assert not can_on_listing(insider, listing, "review")
    refused = _refused(
        lambda: market_services.review_listing(actor=insider, listing_id=listing.pk, action="start_review")
    )
    assert refused == "own_organisation"
    reviewed = market_services.review_listing(actor=colleague, listing_id=listing.pk, action="start_review")
    assert reviewed.status == ListingStatus.UNDER_REVIEW


def test_an_achievement_of_ones_own_organisation_is_not_reviewed_by_its_member(insider, colleague, applicant_org):
    a = AchievementFactory(organisation=applicant_org, status=AchievementStatus.SUBMITTED, holder_region_id="360121")
    assert list(achievement_queue(insider)) == []
    assert list(achievement_queue(colleague)) == [a]
    assert not can_on_achievement(insider, a, "review") and can_on_achievement(insider, a, "view")
    assert _refused(lambda: achievement_services.start_review(actor=insider, achievement_id=a.pk)) == "own_organisation"
    assert (
        achievement_services.start_review(actor=colleague, achievement_id=a.pk).status == AchievementStatus.UNDER_REVIEW
    )


def test_a_contract_of_ones_own_organisation_is_registered_by_a_colleague(
    client, insider, colleague, seller, applicant_admin
):
    c = submitted(seller, applicant_admin)
    told = set(Notification.objects.filter(kind="contracts.waiting").values_list("user__username", flat=True))
    assert told == {"county_colleague"}
    assert list(contract_selectors.registration_queue(insider)) == []
    assert list(contract_selectors.registration_queue(colleague)) == [c]
    register = contract_services.register_contract
    assert _refused(lambda: register(actor=insider, contract_id=c.pk, checklist=FULL_CHECKLIST)) == "own_organisation"
    refuse = contract_services.refuse_contract
    assert _refused(lambda: refuse(actor=insider, contract_id=c.pk, reason="不符合")) == "own_organisation"
    # The page shows the contract and says who decides, without the decision form.
    client.force_login(insider)
    page = client.get(reverse("contracts:detail", args=[c.pk])).content.decode()
    assert 'id="contract-own"' in page and 'id="decision-form"' not in page
    response = client.post(
        reverse("contracts:action", args=[c.pk]),
        {"action": "register", **{f"check_{k}": "on" for k in FULL_CHECKLIST}},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        follow=True,
    )
    c.refresh_from_db()
    assert (response.status_code, c.status) == (200, "submitted")
    assert "您是该记录所属单位的成员，须回避" in response.content.decode()
    assert register(actor=colleague, contract_id=c.pk, checklist=FULL_CHECKLIST).status == "registered"


def test_a_contract_whose_buyer_is_ones_organisation_is_not_registered_by_its_member(
    county_reviewer, colleague, seller, applicant_admin
):
    buying = OrganisationFactory(name="买方研究院", region_id="360102")
    MembershipFactory(user=county_reviewer, organisation=buying, role=Role.MEMBER)
    forget(county_reviewer)
    c = submitted(seller, applicant_admin, parties={"buyer": buyer(organisation_id=buying.pk)})
    assert c.parties.get(role="buyer").organisation_id == buying.pk
    assert list(contract_selectors.registration_queue(county_reviewer)) == []
    register = contract_services.register_contract
    assert _refused(lambda: register(actor=county_reviewer, contract_id=c.pk, checklist=FULL_CHECKLIST)) == (
        "own_organisation"
    )


def test_nobody_verifies_their_own_organisation_but_a_platform_admin_may(insider, applicant_org, platform_admin):
    verify_it = core_services.verify_organisation
    assert _refused(lambda: verify_it(actor=insider, organisation_id=applicant_org.pk)) == "own_organisation"
    MembershipFactory(user=platform_admin, organisation=applicant_org, role=Role.MEMBER)
    forget(platform_admin)
    assert verify_it(actor=platform_admin, organisation_id=applicant_org.pk).status == "verified"


def test_the_refusal_says_why_in_both_languages():
    from django.utils import translation

    with translation.override("zh-hans"):
        zh = str(Errors.OWN_ORGANISATION.message)
    with translation.override("en"):
        en = str(Errors.OWN_ORGANISATION.message)
    assert (Errors.OWN_ORGANISATION.http_status, en) == (
        403,
        "You belong to the organisation of this record, so you may not decide it: "
        "another reviewer of the department decides it.",
    )
    assert zh == "您是该记录所属单位的成员，须回避，不能办理此事项：由本部门其他审核员办理。"


def test_an_author_who_left_the_organisation_no_longer_acts_for_it(applicant_org, applicant_admin, county_reviewer):
    """QA: a removed member withdrew the published need they had written (and the answer said 404)."""
    from techtransfer.core.services import deactivate_member
    from techtransfer.needs.tests.factories import published_need

    author = UserFactory(username="leaver")
    membership = MembershipFactory(user=author, organisation=applicant_org, role=Role.MEMBER)
    need = published_need(org=applicant_org, author=author, reviewer=county_reviewer)
    a = AchievementFactory(organisation=applicant_org, created_by=author)
    assert need_services.can_edit_need(author, need) and can_on_achievement(author, a, "edit")
    deactivate_member(actor=applicant_admin, membership_id=membership.pk)
    forget(author)
    assert not need_services.can_edit_need(author, need)
    assert not can_on_achievement(author, a, "edit") and not achievement_services.can_edit(author, a)
    withdraw = need_services.withdraw_need
    assert _refused(lambda: withdraw(actor=author, need_id=need.pk)) == "not_found"
    need.refresh_from_db()
    assert need.status == "published"
    assert need_services.can_edit_need(applicant_admin, need)  # the organisation's admins still do
