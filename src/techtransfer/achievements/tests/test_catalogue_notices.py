"""What catalogues tell people: admitted organisations' admins learn that a military-to-civilian
catalogue is open to them, once they can read it; nobody else is told anything.

Personas: the province department (owner) with its official; a verified partner enterprise (admin and
member) and the outsider's verified university (the outsider is its admin); a suspended enterprise.
"""

import pytest
from django.utils import timezone

from techtransfer.achievements import catalogues as services
from techtransfer.achievements.models import Catalogue, CatalogueAccess
from techtransfer.achievements.tests.factories_catalogue import (
    CatalogueEntryFactory,
    CatalogueFactory,
    PublishedAchievementFactory,
)
from techtransfer.core.choices import OrganisationStatus, OrganisationType, Role
from techtransfer.core.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from techtransfer.notifications.models import Notification

pytestmark = pytest.mark.django_db

KIND = "achievements.catalogue_admitted"
MILITARY_TITLE = "2026 军转民技术推广目录"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def dept(gov_orgs):
    return gov_orgs["province"]


@pytest.fixture
def partner_org(db):
    return OrganisationFactory(type=OrganisationType.ENTERPRISE, region_id="360100", name="军民融合合作企业")


def _member(username, org, role=Role.MEMBER):
    person = UserFactory(username=username)
    MembershipFactory(user=person, organisation=org, role=role)
    return person


@pytest.fixture
def partner_admin(partner_org):
    return _member("partner_admin", partner_org, Role.ORG_ADMIN)


@pytest.fixture
def partner_member(partner_org):
    return _member("partner_member", partner_org)


def _catalogue(dept, official, *, kind=Catalogue.Kind.MILITARY_TO_CIVILIAN, status=Catalogue.Status.DRAFT):
    c = CatalogueFactory(
        owner=dept,
        title=MILITARY_TITLE,
        kind=kind,
        status=status,
        published_at=timezone.now() if status == Catalogue.Status.PUBLISHED else None,
        created_by=official,
    )
    CatalogueEntryFactory(catalogue=c, achievement=PublishedAchievementFactory(), position=1)
    return c


def _inbox():
    return list(
        Notification.objects.filter(kind=KIND).order_by("user__username").values_list("user__username", flat=True)
    )


def test_publishing_tells_the_admins_of_admitted_verified_organisations(
    dept, province_official, partner_org, partner_admin, partner_member, outsider, other_org
):
    c = _catalogue(dept, province_official)
    services.admit_organisation(actor=province_official, catalogue_id=c.pk, organisation_id=partner_org.pk)
    services.admit_organisation(actor=province_official, catalogue_id=c.pk, organisation_id=other_org.pk)
    suspended = OrganisationFactory(type=OrganisationType.ENTERPRISE, region_id="360100", name="已暂停企业")
    _member("suspended_admin", suspended, Role.ORG_ADMIN)
    CatalogueAccess.objects.create(catalogue=c, organisation=suspended, admitted_by=province_official)
    suspended.status = OrganisationStatus.SUSPENDED
    suspended.save(update_fields=["status"])
    assert _inbox() == []  # a draft is seen by its editors only

    services.publish_catalogue(actor=province_official, catalogue_id=c.pk)
    assert _inbox() == ["outsider", "partner_admin"]
    n = Notification.objects.get(user=partner_admin)
    assert n.title == f"Your organisation may now read the catalogue “{MILITARY_TITLE}”"
    assert n.body == "Compiled by 江西省科学技术厅. Members of your organisation see it when logged in."
    assert n.url == f"/catalogues/{c.pk}/"


def test_admitting_to_a_published_catalogue_tells_only_that_organisation(
    dept, province_official, partner_org, partner_admin, outsider, other_org
):
    c = _catalogue(dept, province_official, status=Catalogue.Status.PUBLISHED)
    CatalogueAccess.objects.create(catalogue=c, organisation=partner_org, admitted_by=province_official)
    services.admit_organisation(actor=province_official, catalogue_id=c.pk, organisation_id=other_org.pk)
    assert _inbox() == ["outsider"]


def test_catalogues_open_to_everyone_and_withdrawals_tell_nobody(
    dept, province_official, partner_org, partner_admin, outsider
):
    c = _catalogue(dept, province_official, kind=Catalogue.Kind.ADVANCED_APPLICABLE)
    services.publish_catalogue(actor=province_official, catalogue_id=c.pk)
    m = _catalogue(dept, province_official, status=Catalogue.Status.PUBLISHED)
    CatalogueAccess.objects.create(catalogue=m, organisation=partner_org, admitted_by=province_official)
    services.withdraw_catalogue(actor=province_official, catalogue_id=m.pk)
    services.revoke_organisation(actor=province_official, catalogue_id=m.pk, organisation_id=partner_org.pk)
    assert Notification.objects.count() == 0
