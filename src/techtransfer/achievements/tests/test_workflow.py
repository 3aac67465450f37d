"""The achievement review workflow: table, multi-level routes, numbers, revisions, renewal and expiry."""

import datetime
import itertools
import threading

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone, translation

from techtransfer.achievements import services
from techtransfer.achievements.choices import AchievementStatus as S
from techtransfer.achievements.errors import AchievementErrors
from techtransfer.achievements.models import Achievement, AchievementRevision, RegistrationCounter, ReviewRoute
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.audit.models import AuditEvent
from techtransfer.core.choices import OrganisationStatus
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.models import Organisation
from techtransfer.core.tests.factories import page_as

pytestmark = pytest.mark.django_db

EXPECTED = {
    ("draft", "submit"): "pending_confirmation",
    ("returned", "submit"): "pending_confirmation",
    ("pending_confirmation", "confirm"): "submitted",
    ("pending_confirmation", "decline"): "returned",
    ("under_review", "pass_on"): "submitted",
    ("submitted", "start_review"): "under_review",
    ("under_review", "publish"): "published",
    ("submitted", "return"): "returned",
    ("under_review", "return"): "returned",
    ("under_review", "reject"): "rejected",
    ("published", "withdraw"): "withdrawn",
    ("published", "expire"): "expired",
}


def test_transition_table_is_exactly_the_expected_one():
    wf = services.ACHIEVEMENT_WORKFLOW
    for state, action in itertools.product(S.values, wf.transitions):
        target = EXPECTED.get((state, action))
        assert wf.can(state, action) is (target is not None), (state, action)
        if target:
            assert wf.transitions[action].target == target


@pytest.fixture
def verified(applicant_org):
    Organisation.objects.filter(pk=applicant_org.pk).update(status=OrganisationStatus.VERIFIED)
    applicant_org.refresh_from_db()
    return applicant_org


@pytest.fixture
def three_levels(gov_orgs):
    ReviewRoute.objects.create(region_id="360000", levels=["county", "city", "province"])


@pytest.fixture
def draft(verified, applicant_member):
    return AchievementFactory(organisation=verified, created_by=applicant_member)


def test_full_path_through_county_city_and_province(
    draft, applicant_member, applicant_admin, county_reviewer, city_reviewer, province_reviewer, three_levels
):
    a = services.submit_achievement(actor=applicant_member, achievement_id=draft.pk)
    assert a.status == S.PENDING_CONFIRMATION
    a = services.confirm_achievement(actor=applicant_admin, achievement_id=a.pk)
    assert (a.status, a.holder_region_id) == (S.SUBMITTED, "360121")
    for reviewer, next_holder in [(county_reviewer, "360100"), (city_reviewer, "360000")]:
        services.start_review(actor=reviewer, achievement_id=a.pk)
        a = services.approve_achievement(actor=reviewer, achievement_id=a.pk, comment="同意")
        assert (a.status, a.holder_region_id) == (S.SUBMITTED, next_holder)
    services.start_review(actor=province_reviewer, achievement_id=a.pk)
    a = services.approve_achievement(actor=province_reviewer, achievement_id=a.pk)
    year = timezone.localdate().year
    assert a.status == S.PUBLISHED
    assert a.registration_number == f"360{year}10001"
    assert a.holder_region_id is None
    assert a.valid_until == timezone.localdate() + datetime.timedelta(days=365)
    actions = list(
        AuditEvent.objects.filter(object_id=str(a.pk), object_type="achievements.achievement")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "achievement.submit", "achievement.confirm",
        "achievement.start_review", "achievement.pass_on", "achievement.start_review", "achievement.pass_on",
        "achievement.start_review", "achievement.publish",
    ]  # fmt: skip


def test_only_the_holding_level_acts(
    draft, applicant_admin, county_reviewer, city_reviewer, ganzhou_reviewer, three_levels
):
    a = services.submit_achievement(
        actor=applicant_admin, achievement_id=draft.pk
    )  # an admin's submission is confirmed
    assert (a.status, a.holder_region_id) == (S.SUBMITTED, "360121")
    for outsider in (city_reviewer, ganzhou_reviewer):
        with pytest.raises(DomainError) as exc:
            services.start_review(actor=outsider, achievement_id=a.pk)
        assert exc.value.error == Errors.NOT_FOUND
    assert Achievement.objects.get(pk=a.pk).status == S.SUBMITTED
    services.start_review(actor=county_reviewer, achievement_id=a.pk)


def test_default_route_is_the_province_alone(draft, applicant_admin, province_reviewer, gov_orgs):
    a = services.submit_achievement(actor=applicant_admin, achievement_id=draft.pk)
    assert a.holder_region_id == "360000"
    services.start_review(actor=province_reviewer, achievement_id=a.pk)
    a = services.approve_achievement(actor=province_reviewer, achievement_id=a.pk)
    assert a.status == S.PUBLISHED


def test_levels_without_a_department_are_skipped(draft, applicant_admin, gov_orgs):
    Organisation.objects.filter(pk=gov_orgs["county"].pk).update(status=OrganisationStatus.SUSPENDED)
    ReviewRoute.objects.create(region_id="360000", levels=["county", "city", "province"])
    a = services.submit_achievement(actor=applicant_admin, achievement_id=draft.pk)
    assert a.holder_region_id == "360100"


def test_no_department_means_no_confirmation(draft, applicant_admin):
    with pytest.raises(DomainError) as exc:
        services.submit_achievement(actor=applicant_admin, achievement_id=draft.pk)
    assert exc.value.error == AchievementErrors.NO_REVIEWER
    assert Achievement.objects.get(pk=draft.pk).status == S.DRAFT


def test_unverified_organisation_cannot_submit(applicant_org, applicant_member):
    a = AchievementFactory(organisation=applicant_org, created_by=applicant_member)
    with pytest.raises(DomainError) as exc:
        services.submit_achievement(actor=applicant_member, achievement_id=a.pk)
    assert exc.value.error == AchievementErrors.ORG_NOT_VERIFIED


def test_a_draft_of_an_unverified_organisation_is_explained_to_its_members_only(
    client, applicant_org, applicant_admin, applicant_member, platform_admin
):
    """A platform admin opening another organisation's draft was offered "Submit to my organisation",
    which answered "Your organisation must be verified before it submits achievements."."""
    a = AchievementFactory(organisation=applicant_org, created_by=applicant_member)
    url = f"/achievements/{a.pk}/"
    notice = (
        '<p class="alert alert-info mt-2 mb-0" id="achievement-submit-blocked">'
        "Your organisation must be verified before it submits achievements.</p>"
    )
    for user in (applicant_member, applicant_admin):
        page = page_as(client, user, url)
        assert notice in page and 'value="submit"' not in page and 'id="workflow-form"' not in page
    page = page_as(client, platform_admin, url)
    assert '<p class="mb-1">Draft — with the applicant</p>' in page
    assert "must be verified" not in page and 'id="achievement-submit-blocked"' not in page
    assert 'value="submit"' not in page
    Organisation.objects.filter(pk=applicant_org.pk).update(status=OrganisationStatus.VERIFIED)
    for user, label in (
        (applicant_member, "Submit to my organisation"),
        (platform_admin, "Submit to its organisation for confirmation"),
    ):
        page = page_as(client, user, url)
        assert 'id="achievement-submit-blocked"' not in page
        assert f'name="action" value="submit">{label}</button>' in page


def test_return_needs_a_comment_then_resubmit(draft, applicant_admin, province_reviewer, gov_orgs):
    a = services.submit_achievement(actor=applicant_admin, achievement_id=draft.pk)
    with pytest.raises(DomainError) as exc:
        services.return_achievement(actor=province_reviewer, achievement_id=a.pk, comment=" ")
    assert exc.value.error == Errors.VALIDATION
    a = services.return_achievement(actor=province_reviewer, achievement_id=a.pk, comment="请补充知识产权信息")
    assert (a.status, a.review_comment, a.holder_region_id) == (S.RETURNED, "请补充知识产权信息", None)
    services.update_achievement(actor=applicant_admin, achievement_id=a.pk, data={"name": "改后的名称"})
    a = services.submit_achievement(actor=applicant_admin, achievement_id=a.pk)
    assert a.status == S.SUBMITTED


def test_reject_and_no_edit_afterwards(draft, applicant_admin, province_reviewer, gov_orgs):
    a = services.submit_achievement(actor=applicant_admin, achievement_id=draft.pk)
    services.start_review(actor=province_reviewer, achievement_id=a.pk)
    a = services.reject_achievement(actor=province_reviewer, achievement_id=a.pk, comment="不属于科技成果")
    assert a.status == S.REJECTED
    with pytest.raises(DomainError) as exc:
        services.update_achievement(actor=applicant_admin, achievement_id=a.pk, data={"name": "x"})
    assert exc.value.error == AchievementErrors.NOT_EDITABLE


def test_forbidden_moves_write_nothing(draft, applicant_member, applicant_admin, province_reviewer, gov_orgs):
    with pytest.raises(DomainError) as exc:
        services.approve_achievement(actor=province_reviewer, achievement_id=draft.pk)
    assert exc.value.error == Errors.NOT_FOUND  # nobody holds a draft
    with pytest.raises(DomainError) as exc:
        services.withdraw_achievement(actor=applicant_admin, achievement_id=draft.pk, comment="不再转化")
    assert exc.value.error == Errors.INVALID_TRANSITION
    a = services.submit_achievement(actor=applicant_member, achievement_id=draft.pk)
    with pytest.raises(DomainError):
        services.confirm_achievement(actor=applicant_member, achievement_id=a.pk)  # members do not confirm
    assert Achievement.objects.get(pk=a.pk).status == S.PENDING_CONFIRMATION
    assert (
        AuditEvent.objects.filter(
            action__in=["achievement.publish", "achievement.withdraw", "achievement.confirm"]
        ).count()
        == 0
    )


def publish(a, admin, reviewer):
    services.submit_achievement(actor=admin, achievement_id=a.pk)
    services.start_review(actor=reviewer, achievement_id=a.pk)
    return services.approve_achievement(actor=reviewer, achievement_id=a.pk)


def test_numbers_count_per_kind_and_year(verified, applicant_admin, province_reviewer, gov_orgs):
    year = timezone.localdate().year
    numbers = [
        publish(
            AchievementFactory(organisation=verified, created_by=applicant_admin, kind=k),
            applicant_admin,
            province_reviewer,
        ).registration_number
        for k in ("applied", "applied", "soft")
    ]
    assert numbers == [f"360{year}10001", f"360{year}10002", f"360{year}30001"]
    assert all(len(n) == 12 for n in numbers)


def test_body_code_comes_from_the_route(verified, applicant_admin, province_reviewer, gov_orgs):
    ReviewRoute.objects.create(region_id="360000", levels=["province"], body_code="361")
    a = publish(
        AchievementFactory(organisation=verified, created_by=applicant_admin), applicant_admin, province_reviewer
    )
    assert a.registration_number.startswith("361")


def test_serials_run_out_at_9999(verified, applicant_admin, province_reviewer, gov_orgs):
    RegistrationCounter.objects.create(
        body_code="360", year=timezone.localdate().year, type_digit="1", last_serial=9999
    )
    a = AchievementFactory(organisation=verified, created_by=applicant_admin)
    services.submit_achievement(actor=applicant_admin, achievement_id=a.pk)
    services.start_review(actor=province_reviewer, achievement_id=a.pk)
    with pytest.raises(DomainError) as exc:
        services.approve_achievement(actor=province_reviewer, achievement_id=a.pk)
    assert exc.value.error == AchievementErrors.SERIALS_EXHAUSTED
    assert Achievement.objects.get(pk=a.pk).status == S.UNDER_REVIEW


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_approvals_get_different_numbers(
    regions, applicant_org, applicant_admin, province_reviewer, gov_orgs
):  # type: ignore[no-untyped-def]
    if connection.vendor == "sqlite":
        pytest.skip("threads cannot share the in-memory SQLite test database; the PostgreSQL lane runs this test")
    Organisation.objects.filter(pk=applicant_org.pk).update(status=OrganisationStatus.VERIFIED)
    records = [AchievementFactory(organisation=applicant_org, created_by=applicant_admin) for _ in range(2)]
    for a in records:
        services.submit_achievement(actor=applicant_admin, achievement_id=a.pk)
        services.start_review(actor=province_reviewer, achievement_id=a.pk)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def approve(pk: int) -> None:
        try:
            barrier.wait()
            services.approve_achievement(actor=province_reviewer, achievement_id=pk)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=approve, args=(a.pk,)) for a in records]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(
        Achievement.objects.filter(pk__in=[a.pk for a in records]).values_list("registration_number", flat=True)
    )
    year = timezone.localdate().year
    assert numbers == [f"360{year}10001", f"360{year}10002"]


def test_revision_keeps_the_public_version_until_approved(
    verified, applicant_admin, province_reviewer, county_reviewer, gov_orgs
):
    a = publish(
        AchievementFactory(organisation=verified, created_by=applicant_admin, name="旧名称"),
        applicant_admin,
        province_reviewer,
    )
    revision = services.propose_revision(actor=applicant_admin, achievement_id=a.pk, data={"name": "新名称", "trl": 7})
    assert revision.changes == {"name": "新名称", "trl": 7, "stage": "mature"}
    assert Achievement.objects.get(pk=a.pk).name == "旧名称"
    with pytest.raises(DomainError) as exc:
        services.propose_revision(actor=applicant_admin, achievement_id=a.pk, data={"name": "第三个"})
    assert exc.value.error == AchievementErrors.REVISION_PENDING
    with pytest.raises(DomainError):
        services.decide_revision(actor=applicant_admin, revision_id=revision.pk, approve=True)
    services.decide_revision(actor=county_reviewer, revision_id=revision.pk, approve=True, comment="可以")
    a.refresh_from_db()
    assert (a.name, a.trl, a.stage, a.status) == ("新名称", 7, "mature", S.PUBLISHED)
    assert AchievementRevision.objects.get().status == AchievementRevision.Status.APPROVED
    event = AuditEvent.objects.get(action="achievement.approve_revision")
    assert event.changes["name"] == ["旧名称", "新名称"]


def test_a_pending_change_is_shown_to_insiders_in_words_and_decided_by_reviewers_only(
    client, verified, applicant_admin, province_reviewer, county_reviewer, outsider, gov_orgs
):
    a = publish(
        AchievementFactory(organisation=verified, created_by=applicant_admin, name="旧名称"),
        applicant_admin,
        province_reviewer,
    )
    data = {"name": "新名称", "transfer_modes": ["assignment", "licence"]}
    services.propose_revision(actor=applicant_admin, achievement_id=a.pk, data=data)
    url = f"/achievements/{a.pk}/"
    client.force_login(applicant_admin)
    own = client.get(url).content.decode()
    assert "<li>成果名称: 新名称</li>" in own
    assert "<li>拟转化方式: 转让、许可</li>" in own
    assert "transfer_modes" not in own and 'value="approve"' not in own  # the applicant does not decide
    client.force_login(county_reviewer)
    assert 'value="approve"' in client.get(url).content.decode()
    client.force_login(outsider)  # the public sees the published version only
    assert 'id="pending-revision"' not in client.get(url).content.decode()


def test_renewal_and_expiry(verified, applicant_admin, province_reviewer, gov_orgs):
    a = publish(
        AchievementFactory(organisation=verified, created_by=applicant_admin), applicant_admin, province_reviewer
    )
    today = timezone.localdate()
    assert services.expire_due(today=today) == []
    Achievement.objects.filter(pk=a.pk).update(valid_until=today - datetime.timedelta(days=1))
    services.renew_achievement(actor=applicant_admin, achievement_id=a.pk)
    assert services.expire_due(today=today) == []
    Achievement.objects.filter(pk=a.pk).update(valid_until=today - datetime.timedelta(days=1))
    assert services.expire_due(today=today) == [a.pk]
    assert Achievement.objects.get(pk=a.pk).status == S.EXPIRED
    assert AuditEvent.objects.get(action="achievement.expire").actor is None


def test_renewal_reminder_is_sent_once(
    verified, applicant_admin, province_reviewer, gov_orgs, django_capture_on_commit_callbacks
):
    from django.core import mail

    from techtransfer.jobs.periodic import run_due

    a = publish(
        AchievementFactory(organisation=verified, created_by=applicant_admin, name="将到期成果"),
        applicant_admin,
        province_reviewer,
    )
    today = timezone.localdate()
    assert services.send_renewal_reminders(today=today) == []
    Achievement.objects.filter(pk=a.pk).update(valid_until=today + datetime.timedelta(days=10))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_renewal_reminders(today=today) == [a.pk]
        assert services.send_renewal_reminders(today=today) == []
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [applicant_admin.email]
    assert "将到期成果" in mail.outbox[0].subject
    services.renew_achievement(actor=applicant_admin, achievement_id=a.pk)
    assert Achievement.objects.get(pk=a.pk).renewal_reminded_at is None
    now = timezone.now()

    def registry_runs(at: datetime.datetime) -> list[str]:  # other apps' periodic runs (search) aside
        return [name for name in run_due(at) if name.startswith("achievements.")]

    assert registry_runs(now) == ["achievements.renewal"]
    assert registry_runs(now + datetime.timedelta(hours=1)) == []
    assert registry_runs(now + datetime.timedelta(hours=25)) == ["achievements.renewal"]


def test_the_history_names_each_step_in_words(client, draft, applicant_admin, province_reviewer, gov_orgs):
    from django.utils import translation

    from techtransfer.achievements import selectors

    services.submit_achievement(actor=applicant_admin, achievement_id=draft.pk)
    services.start_review(actor=province_reviewer, achievement_id=draft.pk)
    services.reject_achievement(actor=province_reviewer, achievement_id=draft.pk, comment="不属于科技成果")
    with translation.override("zh-hans"):
        steps = [(e.action, e.label) for e in selectors.timeline(draft)]
    assert steps[-4:] == [
        ("achievement.submit", "已提交"), ("achievement.confirm", "单位已确认"),  # an admin's submission confirms
        ("achievement.start_review", "开始审核"), ("achievement.reject", "已驳回"),
    ]  # fmt: skip
    client.force_login(applicant_admin)
    page = client.get(f"/achievements/{draft.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<span title="achievement.reject">已驳回</span>' in page and "<code>achievement." not in page


def test_an_action_refused_on_a_record_one_can_see_says_so(client, draft, applicant_member, gov_orgs):
    """A researcher pressing a reviewer's button on their own record was told it does not exist."""
    from django.contrib.messages import get_messages

    client.force_login(applicant_member)
    response = client.post(f"/achievements/{draft.pk}/action/", {"action": "approve"})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["您无权执行此操作。"]


def test_my_records_name_the_department_that_holds_each(client, draft, applicant_admin, gov_orgs):
    """The list says 江西省科学技术厅, not the region 江西省; a draft is held by no department."""
    services.submit_achievement(actor=applicant_admin, achievement_id=draft.pk)
    other = AchievementFactory(organisation=draft.organisation, created_by=applicant_admin, name="未提交的草稿")
    page = page_as(client, applicant_admin, "/achievements/mine/")
    rows = {a.pk: a.holder_name for a in client.get("/achievements/mine/").context["page"]}
    assert rows == {draft.pk: "江西省科学技术厅", other.pk: None}
    assert "<td>江西省科学技术厅</td>" in page and "<td>—</td>" in page


@pytest.mark.parametrize(
    ("decision", "said", "name"),
    [
        ("approve", "Changes approved: the published record shows them.", "新名称"),
        ("reject", "Changes rejected.", "旧名称"),
    ],
)
def test_a_revision_decision_says_what_it_did(
    client, verified, applicant_admin, province_reviewer, county_reviewer, gov_orgs, decision, said, name
):
    a = publish(
        AchievementFactory(organisation=verified, created_by=applicant_admin, name="旧名称"),
        applicant_admin,
        province_reviewer,
    )
    revision = services.propose_revision(actor=applicant_admin, achievement_id=a.pk, data={"name": "新名称"})
    client.force_login(county_reviewer)
    response = client.post(
        f"/achievements/{a.pk}/revisions/{revision.pk}/",
        {"decision": decision, "comment": "名称不准确"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [said]
    assert Achievement.objects.get(pk=a.pk).name == name


def test_rejecting_a_revision_needs_the_reason(
    client, verified, applicant_admin, province_reviewer, county_reviewer, gov_orgs
):
    a = publish(
        AchievementFactory(organisation=verified, created_by=applicant_admin, name="旧名称"),
        applicant_admin,
        province_reviewer,
    )
    revision = services.propose_revision(actor=applicant_admin, achievement_id=a.pk, data={"name": "新名称"})
    for comment in ("", "   "):
        with pytest.raises(DomainError) as exc, translation.override("en"):
            services.decide_revision(actor=county_reviewer, revision_id=revision.pk, approve=False, comment=comment)
        assert exc.value.error == Errors.VALIDATION
        assert exc.value.details == {"comment": ["Give the reason."]}
    client.force_login(county_reviewer)
    response = client.post(
        f"/achievements/{a.pk}/revisions/{revision.pk}/", {"decision": "reject", "comment": ""}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["请填写理由。"]
    revision.refresh_from_db()
    assert (revision.status, revision.decided_by) == (AchievementRevision.Status.PENDING, None)
    assert not AuditEvent.objects.filter(action="achievement.reject_revision").exists()


def test_declining_and_withdrawing_need_the_reason_and_a_withdrawn_record_shows_no_validity(
    client, draft, applicant_member, applicant_admin, province_reviewer, gov_orgs
):
    services.submit_achievement(actor=applicant_member, achievement_id=draft.pk)
    with pytest.raises(DomainError) as exc, translation.override("en"):
        services.decline_achievement(actor=applicant_admin, achievement_id=draft.pk, comment="  ")
    assert (exc.value.error, exc.value.details) == (Errors.VALIDATION, {"comment": ["Say what must change."]})
    client.force_login(applicant_admin)
    response = client.post(f"/achievements/{draft.pk}/action/", {"action": "decline", "comment": ""}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["请说明需要修改的内容。"]
    assert Achievement.objects.get(pk=draft.pk).status == S.PENDING_CONFIRMATION
    assert not AuditEvent.objects.filter(action="achievement.decline").exists()
    services.decline_achievement(actor=applicant_admin, achievement_id=draft.pk, comment="请补充成果简介。")

    a = publish(
        AchievementFactory(organisation=draft.organisation, created_by=applicant_admin),
        applicant_admin,
        province_reviewer,
    )
    url = f"/achievements/{a.pk}/"
    assert 'id="valid-until"' in client.get(url).content.decode()
    with pytest.raises(DomainError) as exc, translation.override("en"):
        services.withdraw_achievement(actor=applicant_admin, achievement_id=a.pk, comment="")
    assert (exc.value.error, exc.value.details) == (Errors.VALIDATION, {"comment": ["Give the reason."]})
    client.post(f"{url}action/", {"action": "withdraw", "comment": ""})
    a.refresh_from_db()
    assert a.status == S.PUBLISHED
    assert not AuditEvent.objects.filter(action="achievement.withdraw").exists()
    response = client.post(
        f"/api/v1/achievements/{a.pk}/withdraw", {"comment": " "}, content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert (response.status_code, response.json()["details"]) == (422, {"fields": {"comment": ["Give the reason."]}})
    a = services.withdraw_achievement(actor=applicant_admin, achievement_id=a.pk, comment="技术已过时")
    assert a.status == S.WITHDRAWN and a.valid_until is not None
    assert AuditEvent.objects.get(action="achievement.withdraw").comment == "技术已过时"
    assert 'id="valid-until"' not in client.get(url).content.decode()
