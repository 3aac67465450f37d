"""Actions on a disclosure or catalogue whose state moved on (a second tab, another person) go back to
its page and say why, instead of an empty error page; nothing changes and nobody is notified twice.
"""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from techtransfer.achievements import disclosures as services
from techtransfer.achievements.models import Catalogue, Disclosure
from techtransfer.achievements.tests.factories_catalogue import CatalogueEntryFactory, CatalogueFactory
from techtransfer.audit.models import AuditEvent
from techtransfer.core.choices import OrganisationType, Role
from techtransfer.core.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from techtransfer.notifications.models import Notification

pytestmark = pytest.mark.django_db

S = Disclosure.Status
D = Disclosure.Decision
V = Disclosure.Visibility
DATA = {
    "title": "一种低温锂电池正极材料",
    "technical_field": "新能源电池",
    "problem": "锂电池低温下容量衰减严重。",
    "solution": "采用梯度掺杂的正极材料与新型电解液配方。",
}
INVENTORS = [{"name": "张三", "share": "100", "affiliation": "化学学院"}]
ALREADY_DECIDED = "This disclosure has already been decided: “File a patent application”. Nothing was changed."


@pytest.fixture
def university(db):
    return OrganisationFactory(type=OrganisationType.UNIVERSITY, region_id="360121", name="南昌县测试大学")


def _member(username, org, role=Role.MEMBER):
    person = UserFactory(username=username)
    MembershipFactory(user=person, organisation=org, role=role)
    return person


@pytest.fixture
def discloser(university):
    return _member("discloser", university)


@pytest.fixture
def office(university):
    return _member("office", university, Role.ORG_ADMIN)


def _client(user):
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


def _said(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _post(user, url, data=None):
    """One request from a fresh page: the messages said are this request's only."""
    return _client(user).post(url, data or {})


def _under_assessment(discloser, office, university):
    d = services.create_disclosure(actor=discloser, organisation_id=university.pk, data=DATA, inventors=INVENTORS)
    services.submit_disclosure(actor=discloser, disclosure_id=d.pk)
    return services.start_assessment(actor=office, disclosure_id=d.pk)


def _decisions(d):
    return AuditEvent.objects.filter(
        object_type="achievements.disclosure", object_id=str(d.pk), action="disclosure.decide"
    )


# --- disclosures -----------------------------------------------------------------------------------------


def test_deciding_twice_returns_to_the_page_saying_it_is_already_decided(discloser, office, university):
    d = _under_assessment(discloser, office, university)
    first, second = _client(office), _client(office)  # two tabs
    decision = {"decision": D.FILE_PATENT, "reasons": "新颖性强", "assessment_notes": ""}
    assert first.post(f"/disclosures/{d.pk}/decide/", decision).status_code == 302
    response = second.post(f"/disclosures/{d.pk}/decide/", {**decision, "decision": D.PUBLISH, "reasons": "公开"})
    assert response.status_code == 302 and response["Location"] == f"/disclosures/{d.pk}/"
    assert _said(response) == [ALREADY_DECIDED]
    d.refresh_from_db()
    assert (d.status, d.decision, d.decision_reasons) == (S.DECIDED, D.FILE_PATENT, "新颖性强")
    assert _decisions(d).count() == 1
    assert Notification.objects.filter(user=discloser, kind="achievements.disclosure_outcome").count() == 1


def test_an_empty_decision_on_a_decided_disclosure_also_says_so(discloser, office, university):
    d = _under_assessment(discloser, office, university)
    services.decide_disclosure(actor=office, disclosure_id=d.pk, decision=D.FILE_PATENT, reasons="新颖性强")
    response = _client(office).post(f"/disclosures/{d.pk}/decide/", {}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(f"/disclosures/{d.pk}/", 302)]
    assert ALREADY_DECIDED in response.content.decode()


def test_a_decision_racing_another_one_is_refused_with_the_same_message(discloser, office, university, monkeypatch):
    """The page's check passed, then the other tab's decision took the lock first."""
    d = _under_assessment(discloser, office, university)
    real = services.decide_disclosure

    def decided_meanwhile(**kwargs):
        real(actor=office, disclosure_id=d.pk, decision=D.FILE_PATENT, reasons="新颖性强")
        return real(**kwargs)

    monkeypatch.setattr(services, "decide_disclosure", decided_meanwhile)
    response = _client(office).post(f"/disclosures/{d.pk}/decide/", {"decision": D.PUBLISH, "reasons": "公开"})
    assert response.status_code == 302 and _said(response) == [ALREADY_DECIDED]
    assert _decisions(d).count() == 1


def test_other_disclosure_actions_out_of_their_state_say_why(discloser, office, university):
    d = _under_assessment(discloser, office, university)
    now = "This disclosure is now “%s”, so this can no longer be done. Nothing was changed."
    response = _post(office, f"/disclosures/{d.pk}/assess/")
    assert response.status_code == 302 and _said(response) == [now % "Under assessment"]
    response = _post(discloser, f"/disclosures/{d.pk}/submit/")
    assert response.status_code == 302 and _said(response) == [now % "Under assessment"]
    assert _said(_post(office, f"/disclosures/{d.pk}/return/", {"comment": "请补充"})) == ["Returned to the discloser."]
    for action, data in (("return", {}), ("visibility", {"visibility": V.GOVERNMENT})):
        response = _post(office, f"/disclosures/{d.pk}/{action}/", data)
        assert response.status_code == 302 and response["Location"] == f"/disclosures/{d.pk}/", action
        assert _said(response) == [now % "Returned for changes"], action
    d.refresh_from_db()
    assert (d.status, d.visibility) == (S.RETURNED, V.PRIVATE)
    services.submit_disclosure(actor=discloser, disclosure_id=d.pk)
    services.start_assessment(actor=office, disclosure_id=d.pk)
    services.decide_disclosure(actor=office, disclosure_id=d.pk, decision=D.FILE_PATENT, reasons="新颖性强")
    assert _said(_post(office, f"/disclosures/{d.pk}/return/", {"comment": "再改"})) == [ALREADY_DECIDED]
    assert _post(office, f"/disclosures/{d.pk}/convert/").status_code == 302
    response = _post(office, f"/disclosures/{d.pk}/convert/")
    assert _said(response) == ["A registry record was already created from this disclosure."]


# --- catalogues ----------------------------------------------------------------------------------------------


@pytest.fixture
def published(gov_orgs, province_official):
    c = CatalogueFactory(
        owner=gov_orgs["province"],
        title="2026 先进适用科技成果目录",
        status=Catalogue.Status.PUBLISHED,
        published_at=timezone.now(),
        created_by=province_official,
    )
    CatalogueEntryFactory(catalogue=c, position=1)
    return c


def test_publishing_a_published_catalogue_says_its_state(published, province_official):
    response = _client(province_official).post(f"/catalogues/{published.pk}/transition/", {"action": "publish"})
    assert response.status_code == 302 and response["Location"] == f"/catalogues/{published.pk}/edit/"
    assert _said(response) == ["This catalogue is now “Published”, so this can no longer be done. Nothing was changed."]
    assert not AuditEvent.objects.filter(action="catalogue.publish").exists()


def test_editing_a_published_catalogue_says_it_must_be_a_draft(published, province_official):
    posts = {
        "settings": {"title": "改", "year": 2026, "kind": Catalogue.Kind.ADVANCED_APPLICABLE},
        "entries/add": {"registration_number": "360202610001"},
        "add-matching": {"stage": "mature"},
    }
    for path, data in posts.items():
        response = _post(province_official, f"/catalogues/{published.pk}/{path}/", data)
        assert response.status_code == 302 and response["Location"] == f"/catalogues/{published.pk}/edit/", path
        assert _said(response) == ["Only a draft catalogue can be changed. Withdraw and reopen it first."], path
    published.refresh_from_db()
    assert published.title == "2026 先进适用科技成果目录" and published.entries.count() == 1


def test_admitting_to_an_open_catalogue_says_only_restricted_ones_admit(published, province_official, other_org):
    response = _client(province_official).post(f"/catalogues/{published.pk}/access/admit/", {"uscc": other_org.uscc})
    assert response.status_code == 302
    assert _said(response) == ["Only military-to-civilian catalogues admit organisations."]
    assert published.access_grants.count() == 0
