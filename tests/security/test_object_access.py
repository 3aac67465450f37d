"""Objects others may not see answer "not found" (or 403, or the login page for an anonymous visitor)
on every address that names them, pages and API alike, for three personas: a member of another
organisation, an anonymous visitor and a government reviewer outside the owner's jurisdiction.

The addresses come from the URL configuration: every route with an integer id must be named in
PAGES, PUBLIC or COVERED_ELSEWHERE, so a new route is checked (or consciously listed) the day it is
added.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import get_resolver
from django.urls.resolvers import URLPattern, URLResolver

from techtransfer.achievements import services as achievement_services
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.api.tokens import create_token
from techtransfer.contracts import services as contract_services
from techtransfer.contracts.tests.factories import draft as contract_draft
from techtransfer.contracts.tests.factories import pdf
from techtransfer.core.choices import OrganisationStatus, Role, TokenScope
from techtransfer.core.models import Region
from techtransfer.core.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from techtransfer.jobs.models import Job
from techtransfer.market import services as market_services
from techtransfer.market.choices import ListingStatus
from techtransfer.market.tests.factories import ListingFactory
from techtransfer.matchmaking import services as matchmaking_services
from techtransfer.needs import challenges
from techtransfer.needs import services as need_services
from techtransfer.needs.choices import SolverType
from techtransfer.needs.tests.factories import need_data, open_challenge, published_need
from techtransfer.notifications.models import Notification
from techtransfer.notifications.services import notify
from techtransfer.search.subscriptions import Criteria, create_subscription

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)

# Route name → the object ids its address takes, from the world below; str parts by their name.
PAGES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "achievements:detail": lambda w: {"pk": w.achievement.pk},
    "achievements:edit": lambda w: {"pk": w.achievement.pk},
    "achievements:action": lambda w: {"pk": w.achievement.pk},
    "achievements:attachment_add": lambda w: {"pk": w.achievement.pk},
    "achievements:attachment": lambda w: {"pk": w.achievement.pk, "attachment_id": w.attachment.pk},
    "achievements:attachment_remove": lambda w: {"pk": w.achievement.pk, "attachment_id": w.attachment.pk},
    "achievements:revision_decide": lambda w: {"pk": w.achievement.pk, "revision_id": 1},
    "needs:detail": lambda w: {"pk": w.need.pk},
    "needs:edit": lambda w: {"pk": w.need.pk},
    "needs:action": lambda w: {"pk": w.need.pk},
    "challenges:create": lambda w: {"need_pk": w.need.pk},
    "challenges:proposal": lambda w: {"pk": w.proposal.pk},
    "challenges:expert_add": lambda w: {"pk": w.challenge.pk},
    "challenges:shortlist": lambda w: {"pk": w.challenge.pk},
    "challenges:award": lambda w: {"pk": w.challenge.pk},
    "market:detail": lambda w: {"pk": w.listing.pk},
    "market:edit": lambda w: {"pk": w.listing.pk},
    "market:attach": lambda w: {"pk": w.listing.pk},
    "market:attachment": lambda w: {"pk": w.listing.pk, "attachment_id": 1},
    "market:action": lambda w: {"pk": w.listing.pk, "action": "submit"},
    "market:watch": lambda w: {"pk": w.listing.pk},
    "market:interest": lambda w: {"pk": w.listing.pk},
    "market:deal_open": lambda w: {"pk": w.listing.pk},
    "market:auction_create": lambda w: {"pk": w.listing.pk},
    "market:deal": lambda w: {"pk": w.deal.pk},
    "market:deal_action": lambda w: {"pk": w.deal.pk, "action": "agree"},
    "market:deal_broker": lambda w: {"pk": w.deal.pk, "what": "rate"},
    "matchmaking:detail": lambda w: {"pk": w.inquiry.pk},
    "matchmaking:post": lambda w: {"pk": w.inquiry.pk, "what": "message"},
    "contracts:detail": lambda w: {"pk": w.contract.pk},
    "contracts:edit": lambda w: {"pk": w.contract.pk},
    "contracts:file": lambda w: {"pk": w.contract.pk},
    "contracts:download": lambda w: {"pk": w.contract.pk},
    "contracts:action": lambda w: {"pk": w.contract.pk},
    "notifications:read": lambda w: {"pk": w.notification.pk},
    "jobs:detail": lambda w: {"pk": w.job.pk},
    "jobs:cancel": lambda w: {"pk": w.job.pk},
    "jobs:download": lambda w: {"pk": w.job.pk},
    "search:subscription_edit": lambda w: {"pk": w.subscription.pk},
    "search:subscription_toggle": lambda w: {"pk": w.subscription.pk},
    "search:subscription_delete": lambda w: {"pk": w.subscription.pk},
    "api_tokens:revoke": lambda w: {"pk": w.token.pk},
    "core:organisation_edit": lambda w: {"pk": w.org.pk},
    "core:organisation_review": lambda w: {"pk": w.org.pk},
    "core:organisation_invite": lambda w: {"pk": w.org.pk},
    "core:invitation_revoke": lambda w: {"pk": w.org.pk, "invitation_id": 1},
    "core:member_role": lambda w: {"pk": w.org.pk, "membership_id": w.membership.pk},
    "core:member_remove": lambda w: {"pk": w.org.pk, "membership_id": w.membership.pk},
}
# Pages anyone may open for any record that exists (what they show is checked by the app's tests).
PUBLIC = {
    "core:organisation",  # an organisation's public profile (registered ones say so)
    "challenges:detail",  # the summary is public; the full problem after the agreement
    "challenges:accept",
    "challenges:proposal_save",  # any eligible solver (refusals: needs/tests/test_challenge_deadline.py)
    "challenges:conflicts",  # experts only: needs/tests/test_scoring_award.py
    "challenges:stats",
    "events:detail",  # published events are public
    "events:post",
    "market:auction",  # auctions of published listings
    "market:bid",
    "market:deposit",
    "market:auction_close",
}
# Records this module does not build, with the tests that check who may open them.
COVERED_ELSEWHERE = {
    "disclosures:detail": "achievements/tests/test_disclosures.py",
    "disclosures:edit": "achievements/tests/test_disclosures.py",
    "disclosures:submit": "achievements/tests/test_disclosure_catalogue_refusals.py",
    "disclosures:start_assessment": "achievements/tests/test_disclosure_catalogue_refusals.py",
    "disclosures:return": "achievements/tests/test_disclosure_catalogue_refusals.py",
    "disclosures:decide": "achievements/tests/test_disclosure_catalogue_refusals.py",
    "disclosures:visibility": "achievements/tests/test_disclosures.py",
    "disclosures:convert": "achievements/tests/test_disclosures.py",
    "reports:programme_detail": "achievements/tests/test_reports.py",
    "reports:project_new": "achievements/tests/test_reports.py",
    "reports:remind": "achievements/tests/test_reports.py",
    "reports:project_detail": "achievements/tests/test_reports.py",
    "reports:file": "achievements/tests/test_reports.py",
    "catalogues:detail": "achievements/tests/test_catalogues.py",
    "catalogues:download": "achievements/tests/test_catalogues.py",
    "catalogues:edit": "achievements/tests/test_catalogues.py",
    "catalogues:update": "achievements/tests/test_catalogues.py",
    "catalogues:add_matching": "achievements/tests/test_catalogues.py",
    "catalogues:entry_add": "achievements/tests/test_catalogues.py",
    "catalogues:entry_note": "achievements/tests/test_catalogues.py",
    "catalogues:entry_move": "achievements/tests/test_catalogues.py",
    "catalogues:entry_remove": "achievements/tests/test_catalogues.py",
    "catalogues:transition": "achievements/tests/test_catalogues.py",
    "catalogues:admit": "achievements/tests/test_catalogues.py",
    "catalogues:revoke": "achievements/tests/test_catalogues.py",
}
STR_PARTS = {"action": "submit", "what": "message", "fmt": "xlsx"}
# Routes that refuse by going back to their list with the "does not exist or you may not see it"
# message (the same for a missing record): where they lead; that nothing changed is checked below.
REFUSED_BY_REDIRECT = {"api_tokens:revoke": "/account/tokens/"}


def _routes(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    out = []
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            out += _routes(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            out.append((f"{namespace}{p.name}", prefix + str(p.pattern)))
    return out


def _id_routes() -> dict[str, str]:
    """Route name → pattern, for the site's pages (not the admin, not the API) that take an integer."""
    return {
        name: pattern
        for name, pattern in _routes(get_resolver().url_patterns)
        if "<int:" in pattern and not name.startswith(("admin:", "api-v1:"))
    }


def test_every_route_with_an_id_is_checked_or_listed():
    routes = set(_id_routes())
    listed = set(PAGES) | PUBLIC | set(COVERED_ELSEWHERE)
    assert sorted(routes - listed) == [], "a new route with an id: add it to PAGES (or PUBLIC, COVERED_ELSEWHERE)"
    assert sorted(listed - routes) == []


class World:
    """Records of an enterprise in 南昌县 (360121) that only it (and the county, city and province
    reviewers where a record was submitted) may see."""

    def __init__(self, org, admin, county_reviewer) -> None:  # type: ignore[no-untyped-def]
        org.status = OrganisationStatus.VERIFIED
        org.save(update_fields=["status"])
        self.org, self.admin = org, admin
        self.membership = MembershipFactory(user=UserFactory(username="colleague"), organisation=org, role=Role.MEMBER)
        self.achievement = AchievementFactory(organisation=org, created_by=admin)
        self.attachment = achievement_services.add_attachment(
            actor=admin, achievement_id=self.achievement.pk, file=SimpleUploadedFile("图.png", PNG, "image/png")
        )
        self.need = need_services.create_need(actor=admin, organisation_id=org.pk, data=need_data(title="草稿需求"))
        published = published_need(org=org, author=admin, reviewer=county_reviewer, title="已发布需求")
        self.challenge = open_challenge(need=published, seeker=admin)
        solver = UserFactory(username="solver")
        challenges.accept_agreement(actor=solver, challenge_id=self.challenge.pk)
        self.proposal = challenges.submit_proposal(
            actor=solver,
            challenge_id=self.challenge.pk,
            data={
                "solver_type": SolverType.INDIVIDUAL,
                "region": Region.objects.get(code="360102"),
                "title": "方案甲",
                "approach": "晶界扩散",
            },
        )
        self.listing = ListingFactory(organisation=org, created_by=admin, status=ListingStatus.DRAFT)
        offer = ListingFactory(
            organisation=org, created_by=admin, status=ListingStatus.PUBLISHED,
            listed_until=datetime.date.today() + datetime.timedelta(days=30),
        )  # fmt: skip
        buyer_org = OrganisationFactory(name="买方企业", region_id="360121")
        buyer = UserFactory(username="buyer")
        MembershipFactory(user=buyer, organisation=buyer_org, role=Role.ORG_ADMIN)
        self.deal = market_services.open_deal(
            actor=buyer, listing_id=offer.pk, buyer_id=buyer_org.pk, amount=Decimal(120)
        )
        self.inquiry = matchmaking_services.start_inquiry(
            actor=buyer, organisation_id=buyer_org.pk, subject="询问", message="你好", need_id=published.pk
        )
        self.contract = contract_draft(org, admin)
        contract_services.attach_signed_contract(actor=admin, contract_id=self.contract.pk, upload=pdf())
        notify(user_ids=[admin.pk], kind="test", title="私人通知", url="/workspace/")
        self.notification = Notification.objects.get(user=admin, title="私人通知")
        self.job = Job.objects.create(kind="audit.export_csv", title="导出", created_by=admin, organisation=org)
        self.job.result_file.save("audit.csv", ContentFile(b"a,b\n"))
        self.subscription = create_subscription(actor=admin, name="稀土", criteria=Criteria(query="稀土"))
        self.token, _text = create_token(user=admin, name="ci", scope=TokenScope.WRITE)


@pytest.fixture
def world(settings, tmp_path, applicant_org, applicant_admin, county_reviewer):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return World(applicant_org, applicant_admin, county_reviewer)


def _address(pattern: str, values: dict[str, Any]) -> str:
    def fill(m: re.Match[str]) -> str:
        kind, name = m.group(1), m.group(2)
        return str(values[name] if name in values else STR_PARTS[name] if kind == "str" else 1)

    return "/" + re.sub(r"<(\w+):(\w+)>", fill, pattern)


def _ask(client: Client, url: str) -> tuple[int, str]:
    """GET, or POST (empty) for an address that takes POST only: the status and where it leads."""
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    return response.status_code, response.get("Location", "")


@pytest.mark.parametrize("persona", ["outsider", "anonymous", "ganzhou_reviewer"])
def test_others_find_nothing_on_any_page_of_the_records(world, persona, request):
    client = Client()
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    routes = _id_routes()
    answered = {}
    for name, ids in PAGES.items():
        status, location = _ask(client, _address(routes[name], ids(world)))
        refused = (
            status in (403, 404)
            or (persona == "anonymous" and status == 302 and location.startswith("/login/"))
            or (status == 302 and location == REFUSED_BY_REDIRECT.get(name))
        )
        if not refused:
            answered[name] = (status, location)
    assert answered == {}
    # Nothing was changed by the refused POSTs.
    world.achievement.refresh_from_db()
    world.contract.refresh_from_db()
    assert (world.achievement.status, world.contract.status) == ("draft", "draft")
    assert world.token.__class__.objects.get(pk=world.token.pk).revoked_at is None


API = [
    "/api/v1/achievements/{achievement}",
    "/api/v1/achievements/{achievement}/recommendations",
    "/api/v1/needs/{need}",
    "/api/v1/needs/{need}/recommendations",
    "/api/v1/proposals/{proposal}",
    "/api/v1/market/listings/{listing}",
    "/api/v1/market/deals/{deal}",
    "/api/v1/market/deals/{deal}/ratings",
    "/api/v1/inquiries/{inquiry}",
    "/api/v1/inquiries/{inquiry}/messages",
    "/api/v1/contracts/{contract}",
    "/api/v1/jobs/{job}",
    "/api/v1/jobs/{job}/download",
    "/api/v1/search/similar/achievement/{achievement}",
    "/api/v1/search/recommendations/need/{need}",
]


@pytest.mark.parametrize("persona", ["outsider", "anonymous", "ganzhou_reviewer"])
def test_others_find_nothing_through_the_api(world, persona, request):
    client = Client()
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    ids = {
        k: getattr(world, k).pk
        for k in ("achievement", "need", "proposal", "listing", "deal", "inquiry", "contract", "job")
    }
    answered = {}
    for template in API:
        response = client.get(template.format(**ids))
        if response.status_code not in (401, 403, 404):
            answered[template] = response.status_code
    assert answered == {}
    if persona != "anonymous":
        notifications = client.get("/api/v1/notifications").json()
        assert "私人通知" not in str(notifications)
        assert client.post(f"/api/v1/notifications/{world.notification.pk}/read").status_code == 404
        # The audit trail of the owner's records (outside their organisation and jurisdiction).
        events = client.get(f"/api/v1/audit/events?organisation={world.org.pk}&page_size=100")
        assert events.status_code in (403, 200)
        if events.status_code == 200:
            assert events.json()["count"] == 0
        page = client.get(f"/audit/?organisation={world.org.pk}")
        assert page.status_code in (403, 404) or "草稿需求" not in page.content.decode()
        assert client.patch(
            f"/api/v1/search/subscriptions/{world.subscription.pk}", {"name": "x"}, content_type="application/json"
        ).status_code in (403, 404)
        assert client.delete(f"/api/v1/tokens/{world.token.pk}").status_code in (403, 404)


def test_the_owner_opens_the_same_addresses(world):
    """What the refusals above are worth: the addresses exist, and the owner's admin gets them."""
    client = Client()
    client.force_login(world.admin)
    routes = _id_routes()
    gets = [
        "achievements:detail", "achievements:edit", "achievements:attachment", "needs:detail", "needs:edit",
        "market:detail", "market:edit", "contracts:detail", "contracts:edit", "contracts:download", "jobs:detail",
        "jobs:download", "search:subscription_edit", "challenges:proposal",
    ]  # fmt: skip
    assert {name: client.get(_address(routes[name], PAGES[name](world))).status_code for name in gets} == dict.fromkeys(
        gets, 200
    )
    ids = {
        k: getattr(world, k).pk
        for k in ("achievement", "need", "proposal", "listing", "deal", "inquiry", "contract", "job")
    }
    own = [t for t in API if "{deal}" not in t and "{inquiry}" not in t]  # the buyer's: seen by the seller below
    assert {t: client.get(t.format(**ids)).status_code for t in own} == dict.fromkeys(own, 200)
    assert client.get(f"/api/v1/market/deals/{world.deal.pk}").status_code == 200
    assert client.get(f"/api/v1/inquiries/{world.inquiry.pk}").status_code == 200
