import pytest

from techtransfer.search.backends import reset_backends


@pytest.fixture
def index_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    """A fresh, empty index for one test."""
    reset_backends()
    settings.SEARCH_INDEX_DIR = tmp_path / "search"
    yield settings.SEARCH_INDEX_DIR
    reset_backends()


@pytest.fixture
def worker_down(settings):  # type: ignore[no-untyped-def]
    """Tasks are accepted but never run (the worker is not running)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}


@pytest.fixture
def verified(applicant_org):  # type: ignore[no-untyped-def]
    from techtransfer.core.choices import OrganisationStatus
    from techtransfer.core.models import Organisation

    Organisation.objects.filter(pk=applicant_org.pk).update(status=OrganisationStatus.VERIFIED)
    applicant_org.refresh_from_db()
    return applicant_org
