import pytest

from techtransfer.core.choices import OrganisationStatus


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def seller(applicant_org, gov_orgs):  # type: ignore[no-untyped-def]
    """The applicant enterprise in 南昌县, verified; the county department is its registration point."""
    applicant_org.status = OrganisationStatus.VERIFIED
    applicant_org.save(update_fields=["status"])
    return applicant_org
