"""What disclosures tell people: the transfer office on submission, the discloser on return and decision.

Personas: a university in 南昌县 with a discloser, a colleague (plain member), two transfer-office
admins and a broker; the outsider (an admin of another university); a platform admin.
"""

import pytest

from techtransfer.achievements import disclosures as services
from techtransfer.achievements.models import Disclosure
from techtransfer.core.choices import OrganisationType, Role
from techtransfer.core.errors import DomainError
from techtransfer.core.models import Membership
from techtransfer.core.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from techtransfer.notifications.models import Notification

pytestmark = pytest.mark.django_db

D = Disclosure.Decision
TITLE = "一种低温锂电池正极材料"
DATA = {
    "title": TITLE,
    "technical_field": "新能源电池",
    "problem": "锂电池低温下容量衰减严重。",
    "solution": "采用梯度掺杂的正极材料与新型电解液配方。",
}
INVENTORS = [{"name": "张三", "share": "100", "affiliation": "化学学院"}]
SUBMITTED = "achievements.disclosure_submitted"
OUTCOME = "achievements.disclosure_outcome"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def university(db):
    return OrganisationFactory(type=OrganisationType.UNIVERSITY, region_id="360121", name="南昌县测试大学")


def _member(username, org, role=Role.MEMBER, **user):
    person = UserFactory(username=username, **user)
    MembershipFactory(user=person, organisation=org, role=role)
    return person


@pytest.fixture
def discloser(university):
    return _member("discloser", university, display_name="王老师")


@pytest.fixture
def office(university):
    return _member("office", university, Role.ORG_ADMIN)


@pytest.fixture
def office2(university):
    return _member("office2", university, Role.ORG_ADMIN)


@pytest.fixture
def colleague(university):
    return _member("colleague", university)


@pytest.fixture
def broker(university):
    return _member("broker", university, Role.BROKER)


def _submitted(discloser, university):
    d = services.create_disclosure(actor=discloser, organisation_id=university.pk, data=DATA, inventors=INVENTORS)
    return services.submit_disclosure(actor=discloser, disclosure_id=d.pk)


def _inbox(kind):
    return list(
        Notification.objects.filter(kind=kind).order_by("user__username").values_list("user__username", flat=True)
    )


def test_submission_tells_the_transfer_office_and_nobody_else(
    discloser, office, office2, colleague, broker, outsider, platform_admin, university
):
    gone = _member("former_office", university, Role.ORG_ADMIN)
    Membership.objects.filter(user=gone).update(is_active=False)
    d = _submitted(discloser, university)
    assert _inbox(SUBMITTED) == ["office", "office2"]
    n = Notification.objects.get(user=office, kind=SUBMITTED)
    assert n.title == f"Invention disclosure submitted: “{TITLE}”"
    assert n.body == "王老师 submitted it for assessment."
    assert n.url == f"/disclosures/{d.pk}/"
    assert _inbox(OUTCOME) == []


def test_an_admin_who_discloses_is_not_told_of_their_own_submission(office, office2, university):
    _submitted(office, university)
    assert _inbox(SUBMITTED) == ["office2"]


def test_resubmission_after_return_tells_the_office_again_and_the_discloser_gets_the_comment(
    discloser, office, colleague, university
):
    d = _submitted(discloser, university)
    services.return_disclosure(actor=office, disclosure_id=d.pk, comment="请补充对比实验数据。")
    assert _inbox(OUTCOME) == ["discloser"]
    n = Notification.objects.get(kind=OUTCOME)
    assert n.title == f"Your invention disclosure “{TITLE}” was returned for changes"
    assert n.body == "请补充对比实验数据。"
    assert n.url == f"/disclosures/{d.pk}/"
    services.submit_disclosure(actor=discloser, disclosure_id=d.pk)
    assert Notification.objects.filter(user=office, kind=SUBMITTED).count() == 2


def test_decision_tells_the_discloser_the_reasons_but_never_the_internal_notes(discloser, office, university):
    d = _submitted(discloser, university)
    services.start_assessment(actor=office, disclosure_id=d.pk)
    assert _inbox(OUTCOME) == []  # taking it up is not an answer
    services.decide_disclosure(
        actor=office, disclosure_id=d.pk, decision=D.FILE_PATENT, reasons="新颖性强", assessment_notes="内部：估值偏高"
    )
    n = Notification.objects.get(kind=OUTCOME)
    assert n.user == discloser
    assert n.title == f"Your invention disclosure “{TITLE}” was decided: File a patent application"
    assert n.body == "新颖性强"
    assert n.url == f"/disclosures/{d.pk}/"
    assert "估值" not in "".join(Notification.objects.values_list("body", flat=True))


def test_each_recipient_reads_the_notice_in_their_own_language(discloser, office, university):
    discloser.language = "zh-hans"
    discloser.save(update_fields=["language"])
    d = _submitted(discloser, university)
    services.start_assessment(actor=office, disclosure_id=d.pk)
    services.decide_disclosure(actor=office, disclosure_id=d.pk, decision=D.FILE_PATENT, reasons="新颖性强")
    assert Notification.objects.get(kind=OUTCOME).title.endswith("申请专利")


def test_a_discloser_who_left_the_organisation_is_not_told(discloser, office, university):
    d = _submitted(discloser, university)
    Membership.objects.filter(user=discloser).update(is_active=False)
    services.return_disclosure(actor=office, disclosure_id=d.pk, comment="请补充。")
    assert _inbox(OUTCOME) == []


def test_refused_actions_notify_nobody(discloser, office, colleague, university):
    d = _submitted(discloser, university)
    with pytest.raises(DomainError):
        services.submit_disclosure(actor=discloser, disclosure_id=d.pk)
    with pytest.raises(DomainError):
        services.return_disclosure(actor=colleague, disclosure_id=d.pk, comment="x")
    services.start_assessment(actor=office, disclosure_id=d.pk)
    services.decide_disclosure(actor=office, disclosure_id=d.pk, decision=D.PUBLISH, reasons="理由")
    with pytest.raises(DomainError) as exc:
        services.decide_disclosure(actor=office, disclosure_id=d.pk, decision=D.FILE_PATENT, reasons="再次")
    assert exc.value.code == "invalid_transition"
    assert _inbox(SUBMITTED) == ["office"]
    assert _inbox(OUTCOME) == ["discloser"]
