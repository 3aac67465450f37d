import pytest

from techtransfer.core.choices import OrganisationStatus, Role
from techtransfer.core.jurisdiction import jurisdiction_q, may_act_on_region
from techtransfer.core.models import Membership, Organisation, Region
from techtransfer.core.roles import forget
from techtransfer.core.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_county_reviewer_acts_on_its_county_only(county_reviewer):
    assert may_act_on_region(county_reviewer, "360121")
    assert not may_act_on_region(county_reviewer, "360100")
    assert not may_act_on_region(county_reviewer, "360102")
    assert not may_act_on_region(county_reviewer, "360000")


def test_city_reviewer_acts_on_city_and_its_counties(city_reviewer):
    assert may_act_on_region(city_reviewer, "360100")
    assert may_act_on_region(city_reviewer, "360121")
    assert may_act_on_region(city_reviewer, Region.objects.get(code="360102"))
    assert not may_act_on_region(city_reviewer, "360700")
    assert not may_act_on_region(city_reviewer, "360000")


def test_province_reviewer_acts_on_the_whole_province(province_reviewer):
    for code in ("360000", "360100", "360121", "360702"):
        assert may_act_on_region(province_reviewer, code)
    assert not may_act_on_region(province_reviewer, "440100")


def test_officials_need_to_be_asked_for_explicitly(province_official):
    assert not may_act_on_region(province_official, "360100")
    assert may_act_on_region(province_official, "360100", roles=[Role.GOV_OFFICIAL])


def test_non_government_roles_and_inactive_memberships_do_not_count(applicant_admin, county_reviewer):
    assert not may_act_on_region(applicant_admin, "360121")
    Membership.objects.filter(user=county_reviewer).update(is_active=False)
    forget(county_reviewer)
    assert not may_act_on_region(county_reviewer, "360121")


def test_unverified_government_department_gives_no_power(gov_orgs, county_reviewer):
    Organisation.objects.filter(pk=gov_orgs["county"].pk).update(status=OrganisationStatus.REGISTERED)
    forget(county_reviewer)
    assert not may_act_on_region(county_reviewer, "360121")


def test_platform_admin_acts_everywhere(platform_admin):
    assert may_act_on_region(platform_admin, "110101")


def test_jurisdiction_q_selects_exactly_the_regions_inside(city_reviewer):
    inside = OrganisationFactory(region_id="360121")
    also_inside = OrganisationFactory(region_id="360100")
    outside = OrganisationFactory(region_id="360702")
    found = set(Organisation.objects.filter(jurisdiction_q(city_reviewer)).values_list("pk", flat=True))
    assert inside.pk in found and also_inside.pk in found
    assert outside.pk not in found


def test_jurisdiction_q_matches_nothing_without_a_government_role(applicant_admin):
    OrganisationFactory(region_id="360121")
    assert Organisation.objects.filter(jurisdiction_q(applicant_admin)).count() == 0
