"""What an achievement's registration steps tell people: whoever waits next, and the applicant.

Personas: the enterprise in 南昌县 (verified) with its author (`applicant_member`) and two admins; the
review route county → city → province with two county reviewers, and around them people who must not
be told: a county official, a county reviewer who left, a county reviewer whose account is closed, a
reviewer of an unverified "department" in the same county, the other levels' and Ganzhou's reviewers,
the outsider and a platform admin.
"""

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.functional import Promise

from techtransfer.achievements import services
from techtransfer.achievements.choices import AchievementStatus as S
from techtransfer.achievements.models import Achievement, ReviewRoute
from techtransfer.achievements.notices import ACHIEVEMENT_OUTCOME, ACHIEVEMENT_WAITING
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.audit.models import AuditEvent
from techtransfer.core.choices import OrganisationStatus, OrganisationType, Role
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.models import Membership, User
from techtransfer.core.tests.factories import MembershipFactory, OrganisationFactory, member, page_as, verify
from techtransfer.notifications.models import Notification
from techtransfer.notifications.registry import KINDS
from techtransfer.notifications.services import set_preferences

pytestmark = pytest.mark.django_db

NAME = "一种稀土永磁材料的晶界扩散方法"
WAITING, OUTCOME = ACHIEVEMENT_WAITING, ACHIEVEMENT_OUTCOME


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"  # whom no language was chosen for is written to in the platform's


@pytest.fixture
def org(applicant_org):
    return verify(applicant_org)


@pytest.fixture
def admin2(org):
    return member("applicant_admin2", org, Role.ORG_ADMIN)


@pytest.fixture
def route(gov_orgs):
    ReviewRoute.objects.create(region_id="360000", levels=["county", "city", "province"])


@pytest.fixture
def county_reviewer2(gov_orgs):
    return member("county_reviewer2", gov_orgs["county"], Role.GOV_REVIEWER)


@pytest.fixture
def bystanders(
    gov_orgs, org, city_reviewer, province_reviewer, province_official, ganzhou_reviewer, outsider, platform_admin
):
    """Nobody here ever waits on the enterprise's record at the county."""
    member("county_official", gov_orgs["county"], Role.GOV_OFFICIAL)
    Membership.objects.filter(user=member("county_reviewer_left", gov_orgs["county"], Role.GOV_REVIEWER)).update(
        is_active=False
    )
    User.objects.filter(pk=member("county_reviewer_closed", gov_orgs["county"], Role.GOV_REVIEWER).pk).update(
        is_active=False
    )
    shadow = OrganisationFactory(
        type=OrganisationType.GOVERNMENT,
        region_id="360121",
        status=OrganisationStatus.REGISTERED,
        name="未核验的科技局",
    )
    member("unverified_reviewer", shadow, Role.GOV_REVIEWER)
    Membership.objects.filter(user=member("former_admin", org, Role.ORG_ADMIN)).update(is_active=False)


@pytest.fixture
def draft(org, applicant_member):
    return AchievementFactory(organisation=org, created_by=applicant_member, name=NAME)


def _inbox(kind):
    return list(
        Notification.objects.filter(kind=kind).order_by("user__username").values_list("user__username", flat=True)
    )


def _url(a):
    return f"/achievements/{a.pk}/"


def _submitted(draft, member, admin):
    """Submitted by its author and confirmed by the admin: at the first level, the notices so far cleared."""
    services.submit_achievement(actor=member, achievement_id=draft.pk)
    a = services.confirm_achievement(actor=admin, achievement_id=draft.pk)
    Notification.objects.all().delete()
    return a


def test_a_members_submission_waits_for_the_organisations_admins_and_nobody_else(
    draft, applicant_member, applicant_admin, admin2, county_reviewer, route, bystanders
):
    services.submit_achievement(actor=applicant_member, achievement_id=draft.pk)
    assert _inbox(WAITING) == ["applicant_admin", "applicant_admin2"]
    n = Notification.objects.get(user=applicant_admin, kind=WAITING)
    assert n.title == f"Achievement waiting for you: “{NAME}”"
    assert n.body == "南昌县测试企业 · Waiting for the organisation to confirm"
    assert n.url == _url(draft)
    assert _inbox(OUTCOME) == []


def test_an_admins_own_submission_is_confirmed_and_waits_for_the_first_levels_reviewers_only(
    org, applicant_admin, admin2, county_reviewer, county_reviewer2, route, bystanders
):
    a = AchievementFactory(organisation=org, created_by=applicant_admin, name=NAME)
    a = services.submit_achievement(actor=applicant_admin, achievement_id=a.pk)
    assert (a.status, a.holder_region_id) == (S.SUBMITTED, "360121")
    assert _inbox(WAITING) == ["county_reviewer", "county_reviewer2"]  # no admin: nothing waits for them
    n = Notification.objects.get(user=county_reviewer, kind=WAITING)
    assert (n.title, n.body, n.url) == (f"Achievement waiting for you: “{NAME}”", "南昌县测试企业 · Submitted", _url(a))
    assert _inbox(OUTCOME) == []


def test_confirming_tells_exactly_the_active_reviewers_of_the_verified_department_that_holds_it(
    draft, applicant_member, applicant_admin, admin2, county_reviewer, county_reviewer2, route, bystanders
):
    services.submit_achievement(actor=applicant_member, achievement_id=draft.pk)
    Notification.objects.all().delete()
    services.confirm_achievement(actor=applicant_admin, achievement_id=draft.pk)
    assert _inbox(WAITING) == ["county_reviewer", "county_reviewer2"]
    assert _inbox(OUTCOME) == []


def test_passing_on_tells_the_next_levels_reviewers_and_the_applicant_with_the_comment(
    draft, applicant_member, applicant_admin, admin2, county_reviewer, county_reviewer2, route, bystanders,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    a = _submitted(draft, applicant_member, applicant_admin)
    services.start_review(actor=county_reviewer, achievement_id=a.pk)
    assert Notification.objects.count() == 0  # taking it up is no news
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_achievement(actor=county_reviewer, achievement_id=a.pk, comment="县级同意，报市局。")
    assert _inbox(WAITING) == ["city_reviewer"]
    assert Notification.objects.get(kind=WAITING).body == "南昌县测试企业 · Submitted"
    assert _inbox(OUTCOME) == ["applicant_admin", "applicant_admin2", "applicant_member"]
    n = Notification.objects.get(user=applicant_member, kind=OUTCOME)
    assert n.title == f"Your achievement “{NAME}” was passed on to 南昌市科学技术局"
    assert (n.body, n.url) == ("县级同意，报市局。", _url(a))
    assert sorted(m.to[0] for m in mail.outbox) == [
        "applicant_admin2@example.org", "applicant_admin@example.org", "applicant_member@example.org",
        "city_reviewer@example.org",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("step", "told", "title"),
    [
        ("decline", ["applicant_admin2", "applicant_member"], f"Your achievement “{NAME}” was sent back by your organisation"),
        ("return", ["applicant_admin", "applicant_admin2", "applicant_member"], f"Your achievement “{NAME}” was returned for changes"),
        ("reject", ["applicant_admin", "applicant_admin2", "applicant_member"], f"Your achievement “{NAME}” was rejected"),
    ],
)  # fmt: skip
def test_a_record_sent_back_or_rejected_tells_the_applicant_with_the_comment_as_body(
    draft, applicant_member, applicant_admin, admin2, county_reviewer, route, bystanders, step, told, title
):
    services.submit_achievement(actor=applicant_member, achievement_id=draft.pk)
    Notification.objects.all().delete()
    if step == "decline":  # by an admin, who is not told of their own step
        services.decline_achievement(actor=applicant_admin, achievement_id=draft.pk, comment="请补充成果简介。")
    else:
        services.confirm_achievement(actor=applicant_admin, achievement_id=draft.pk)
        Notification.objects.all().delete()
        if step == "reject":
            services.start_review(actor=county_reviewer, achievement_id=draft.pk)
            services.reject_achievement(actor=county_reviewer, achievement_id=draft.pk, comment="请补充成果简介。")
        else:
            services.return_achievement(actor=county_reviewer, achievement_id=draft.pk, comment="请补充成果简介。")
    assert _inbox(OUTCOME) == told
    for n in Notification.objects.filter(kind=OUTCOME):
        assert (n.title, n.body, n.url) == (title, "请补充成果简介。", _url(draft))
    assert _inbox(WAITING) == []  # nobody waits on a record back with its author, or closed


def test_publishing_tells_the_applicant_the_registration_number(
    draft, applicant_member, applicant_admin, admin2, province_reviewer, gov_orgs
):
    a = _submitted(draft, applicant_member, applicant_admin)  # the default route: the province alone
    services.start_review(actor=province_reviewer, achievement_id=a.pk)
    a = services.approve_achievement(actor=province_reviewer, achievement_id=a.pk, comment="同意登记。")
    number = f"360{timezone.localdate().year}10001"
    assert a.registration_number == number
    assert _inbox(OUTCOME) == ["applicant_admin", "applicant_admin2", "applicant_member"]
    n = Notification.objects.get(user=applicant_member, kind=OUTCOME)
    assert n.title == f"Your achievement “{NAME}” is registered and published ({number})"
    assert (n.body, n.url) == ("同意登记。", _url(a))
    assert _inbox(WAITING) == []


def test_the_actor_is_never_told_of_their_own_step(
    draft, applicant_member, applicant_admin, county_reviewer, city_reviewer, route, gov_orgs
):
    """A reviewer of both the county and the city passes the record on to the city: they wait on it
    there, but they know it."""
    both = member("county_and_city_reviewer", gov_orgs["county"], Role.GOV_REVIEWER)
    MembershipFactory(user=both, organisation=gov_orgs["city"], role=Role.GOV_REVIEWER)
    a = _submitted(draft, applicant_member, applicant_admin)
    services.start_review(actor=both, achievement_id=a.pk)
    services.approve_achievement(actor=both, achievement_id=a.pk)
    assert _inbox(WAITING) == ["city_reviewer"]
    assert "county_and_city_reviewer" not in _inbox(OUTCOME)


def test_an_author_who_left_the_organisation_is_not_told(
    draft, applicant_member, applicant_admin, county_reviewer, route
):
    a = _submitted(draft, applicant_member, applicant_admin)
    Membership.objects.filter(user=applicant_member).update(is_active=False)
    services.return_achievement(actor=county_reviewer, achievement_id=a.pk, comment="请补充。")
    assert _inbox(OUTCOME) == ["applicant_admin"]  # the record is not public: they may not open it


def test_refused_steps_tell_nobody(draft, applicant_member, applicant_admin, county_reviewer, ganzhou_reviewer, route):
    a = _submitted(draft, applicant_member, applicant_admin)
    for error, refused in (
        (Errors.NOT_FOUND, lambda: services.return_achievement(actor=ganzhou_reviewer, achievement_id=a.pk, comment="x")),
        (Errors.VALIDATION, lambda: services.return_achievement(actor=county_reviewer, achievement_id=a.pk, comment=" ")),
        (Errors.INVALID_TRANSITION, lambda: services.reject_achievement(actor=county_reviewer, achievement_id=a.pk, comment="x")),
        (Errors.NOT_FOUND, lambda: services.approve_achievement(actor=ganzhou_reviewer, achievement_id=a.pk)),
        (Errors.INVALID_TRANSITION, lambda: services.confirm_achievement(actor=applicant_admin, achievement_id=a.pk)),
    ):  # fmt: skip
        with pytest.raises(DomainError) as exc:
            refused()
        assert exc.value.error == error
    assert Notification.objects.count() == 0
    a.refresh_from_db()
    assert (a.status, a.holder_region_id, a.review_comment) == (S.SUBMITTED, "360121", "")


def test_an_admins_submission_with_no_department_to_review_it_tells_nobody(org, applicant_admin, admin2):
    a = AchievementFactory(organisation=org, created_by=applicant_admin, name=NAME)
    with pytest.raises(DomainError):
        services.submit_achievement(actor=applicant_admin, achievement_id=a.pk)
    assert Achievement.objects.get(pk=a.pk).status == S.DRAFT
    assert Notification.objects.count() == 0


@pytest.mark.parametrize("step", ["submit", "return"])
def test_a_step_and_its_notices_are_one_transaction(
    draft, applicant_member, applicant_admin, county_reviewer, route, monkeypatch, step
):
    """Writing the notices fails: the step is undone too (and a step undone tells nobody)."""
    if step == "return":
        _submitted(draft, applicant_member, applicant_admin)

    def broken(*args, **kwargs):
        raise RuntimeError("the inbox is full")

    monkeypatch.setattr(Notification.objects, "bulk_create", broken)
    before = (Achievement.objects.get(pk=draft.pk).status, AuditEvent.objects.count())
    with pytest.raises(RuntimeError):
        if step == "submit":
            services.submit_achievement(actor=applicant_member, achievement_id=draft.pk)
        else:
            services.return_achievement(actor=county_reviewer, achievement_id=draft.pk, comment="请补充。")
    assert (Achievement.objects.get(pk=draft.pk).status, AuditEvent.objects.count()) == before


def test_each_reviewer_reads_the_state_in_their_own_language(
    draft, applicant_member, applicant_admin, county_reviewer, county_reviewer2, route
):
    User.objects.filter(pk=county_reviewer2.pk).update(language="zh-hans")
    _submitted(draft, applicant_member, applicant_admin)
    services.return_achievement(actor=county_reviewer, achievement_id=draft.pk, comment="请补充。")
    services.submit_achievement(actor=applicant_admin, achievement_id=draft.pk)  # again, confirmed at once
    bodies = dict(Notification.objects.filter(kind=WAITING).values_list("user__username", "body"))
    assert bodies == {"county_reviewer": "南昌县测试企业 · Submitted", "county_reviewer2": "南昌县测试企业 · 已提交"}


def test_the_two_kinds_are_on_the_preferences_page_and_can_be_switched_off(
    client, draft, applicant_member, applicant_admin, county_reviewer, route
):
    assert isinstance(KINDS[WAITING], Promise) and isinstance(KINDS[OUTCOME], Promise)  # named in each language
    page = page_as(client, applicant_member, "/notifications/preferences/")
    for label in ("Achievements waiting for my confirmation or review", "Review decisions on my achievements"):
        assert f"{label} — in my inbox" in page and f"{label} — by e-mail" in page
    for kind in (WAITING, OUTCOME):
        assert f'name="{kind}__in_app"' in page and f'name="{kind}__email"' in page
    set_preferences(actor=applicant_member, choices={OUTCOME: (False, False)})
    a = _submitted(draft, applicant_member, applicant_admin)
    services.return_achievement(actor=county_reviewer, achievement_id=a.pk, comment="请补充。")
    assert _inbox(OUTCOME) == ["applicant_admin"]


def test_a_proposed_change_waits_for_the_reviewers_who_may_decide_it_and_its_decision_tells_the_applicant(
    draft, applicant_member, applicant_admin, admin2, county_reviewer, county_reviewer2, province_reviewer,
    bystanders,
):  # fmt: skip
    a = _submitted(draft, applicant_member, applicant_admin)  # the default route: the province alone
    services.start_review(actor=province_reviewer, achievement_id=a.pk)
    services.approve_achievement(actor=province_reviewer, achievement_id=a.pk, comment="同意登记。")
    Notification.objects.all().delete()

    revision = services.propose_revision(actor=applicant_member, achievement_id=a.pk, data={"name": "新名称"})
    assert _inbox(WAITING) == ["county_reviewer", "county_reviewer2"]  # the nearest department, not the others
    n = Notification.objects.get(user=county_reviewer, kind=WAITING)
    assert (n.title, n.body, n.url) == (
        f"Changes to a published achievement waiting for you: “{NAME}”",
        "南昌县测试企业 · proposed by applicant_member",
        _url(a),
    )
    assert _inbox(OUTCOME) == []
    Notification.objects.all().delete()

    with pytest.raises(DomainError):
        services.decide_revision(actor=county_reviewer, revision_id=revision.pk, approve=False, comment=" ")
    assert Notification.objects.count() == 0
    services.decide_revision(actor=county_reviewer, revision_id=revision.pk, approve=False, comment="名称不准确。")
    assert _inbox(OUTCOME) == ["applicant_admin", "applicant_admin2", "applicant_member"]
    n = Notification.objects.get(user=applicant_member, kind=OUTCOME)
    assert (n.title, n.body, n.url) == (
        f"The changes to your achievement “{NAME}” were rejected",
        "名称不准确。",
        _url(a),
    )
    assert _inbox(WAITING) == []

    Notification.objects.all().delete()
    revision = services.propose_revision(actor=applicant_admin, achievement_id=a.pk, data={"name": "新名称"})
    assert _inbox(WAITING) == ["county_reviewer", "county_reviewer2"]
    services.decide_revision(actor=county_reviewer2, revision_id=revision.pk, approve=True)
    assert _inbox(OUTCOME) == ["applicant_admin", "applicant_admin2"]  # the change's author and the admins
    n = Notification.objects.get(user=applicant_admin, kind=OUTCOME)
    assert (n.title, n.body) == (f"The changes to your achievement “{NAME}” were approved", "")
