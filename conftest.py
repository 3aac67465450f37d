"""Shared pytest set-up: tasks run in-process, regions loaded once, named personas.

Personas (all in Jiangxi):
- province_reviewer / province_official: 江西省科学技术厅 (360000)
- city_reviewer: 南昌市科学技术局 (360100), county_reviewer: 南昌县科学技术局 (360121)
- ganzhou_reviewer: 赣州市科学技术局 (360700), outside Nanchang
- applicant_admin / applicant_member: an enterprise in 南昌县 (360121), status registered
- outsider: member of a verified university in 东湖区 (360102)
- platform_admin: is_staff
"""

import pytest

from techtransfer.core.choices import OrganisationStatus, OrganisationType, Role


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    from techtransfer.core.regions_loader import load_regions

    with django_db_blocker.unblock():
        load_regions()


@pytest.fixture(scope="session")
def _search_index_root(tmp_path_factory):  # type: ignore[no-untyped-def]
    return tmp_path_factory.mktemp("search-index")


@pytest.fixture
def regions(transactional_db):  # type: ignore[no-untyped-def]
    """A transactional test may start after another one flushed the database (regions included, which
    a migration loads): load the GB/T 2260 regions again. Request it before the personas."""
    from techtransfer.core.regions_loader import load_regions

    load_regions()


@pytest.fixture(scope="module")
def regions_after_module(django_db_blocker):  # type: ignore[no-untyped-def]
    """A module of transactional tests flushes every table, regions included: load them again when
    the module ends, for the tests after it (`pytest.mark.usefixtures` on the module)."""
    yield
    from techtransfer.core.regions_loader import load_regions

    with django_db_blocker.unblock():
        load_regions()


@pytest.fixture(autouse=True)
def _test_settings(settings, _search_index_root):  # type: ignore[no-untyped-def]
    # The search index of the suite lives in a temporary directory, never under ./var.
    settings.SEARCH_INDEX_DIR = _search_index_root
    # PBKDF2 at production strength costs ~0.3 s per user; tests hash dozens of them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run in-process when their transaction commits (django-tasks resets its backends on change).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
    # A stale suggestions table is rebuilt in the request: a background thread could outlive its test.
    settings.SEARCH_SUGGEST_BACKGROUND = False
    # Each test starts with an empty cache (with CACHE_URL=redis://… the cache outlives the process).
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def gov_orgs(db):  # type: ignore[no-untyped-def]
    from techtransfer.core.tests.factories import OrganisationFactory

    return {
        "province": OrganisationFactory(type=OrganisationType.GOVERNMENT, region_id="360000", name="江西省科学技术厅"),
        "city": OrganisationFactory(type=OrganisationType.GOVERNMENT, region_id="360100", name="南昌市科学技术局"),
        "county": OrganisationFactory(type=OrganisationType.GOVERNMENT, region_id="360121", name="南昌县科学技术局"),
        "ganzhou": OrganisationFactory(type=OrganisationType.GOVERNMENT, region_id="360700", name="赣州市科学技术局"),
    }


def _person(username: str, org, role: str):  # type: ignore[no-untyped-def]
    from techtransfer.core.tests.factories import MembershipFactory, UserFactory

    user = UserFactory(username=username)
    MembershipFactory(user=user, organisation=org, role=role)
    return user


@pytest.fixture
def province_reviewer(gov_orgs):  # type: ignore[no-untyped-def]
    return _person("province_reviewer", gov_orgs["province"], Role.GOV_REVIEWER)


@pytest.fixture
def province_official(gov_orgs):  # type: ignore[no-untyped-def]
    return _person("province_official", gov_orgs["province"], Role.GOV_OFFICIAL)


@pytest.fixture
def city_reviewer(gov_orgs):  # type: ignore[no-untyped-def]
    return _person("city_reviewer", gov_orgs["city"], Role.GOV_REVIEWER)


@pytest.fixture
def county_reviewer(gov_orgs):  # type: ignore[no-untyped-def]
    return _person("county_reviewer", gov_orgs["county"], Role.GOV_REVIEWER)


@pytest.fixture
def ganzhou_reviewer(gov_orgs):  # type: ignore[no-untyped-def]
    return _person("ganzhou_reviewer", gov_orgs["ganzhou"], Role.GOV_REVIEWER)


@pytest.fixture
def applicant_org(db):  # type: ignore[no-untyped-def]
    from techtransfer.core.tests.factories import OrganisationFactory

    return OrganisationFactory(
        type=OrganisationType.ENTERPRISE,
        region_id="360121",
        status=OrganisationStatus.REGISTERED,
        name="南昌县测试企业",
    )


@pytest.fixture
def applicant_admin(applicant_org):  # type: ignore[no-untyped-def]
    return _person("applicant_admin", applicant_org, Role.ORG_ADMIN)


@pytest.fixture
def applicant_member(applicant_org):  # type: ignore[no-untyped-def]
    return _person("applicant_member", applicant_org, Role.MEMBER)


@pytest.fixture
def other_org(db):  # type: ignore[no-untyped-def]
    from techtransfer.core.tests.factories import OrganisationFactory

    return OrganisationFactory(type=OrganisationType.UNIVERSITY, region_id="360102", name="东湖测试大学")


@pytest.fixture
def outsider(other_org):  # type: ignore[no-untyped-def]
    return _person("outsider", other_org, Role.ORG_ADMIN)


@pytest.fixture
def platform_admin(db):  # type: ignore[no-untyped-def]
    from techtransfer.core.tests.factories import UserFactory

    return UserFactory(username="platform_admin", is_staff=True)
