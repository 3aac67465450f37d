"""The index follows the database through the outbox: nothing lost, nothing phantom."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from techtransfer.achievements import services as achievement_services
from techtransfer.achievements.models import Achievement
from techtransfer.audit.models import AuditEvent
from techtransfer.core.choices import OrganisationStatus
from techtransfer.core.models import Organisation
from techtransfer.search.models import SearchOutbox
from techtransfer.search.outbox import apply_pending, lag
from techtransfer.search.services import reindex
from techtransfer.search.tests.helpers import draft, hits, publish

pytestmark = pytest.mark.django_db(transaction=False)

NAME = "一种钙钛矿太阳能电池的封装方法"


def test_change_committed_while_the_worker_is_down_is_searchable_after_restart(
    index_dir, worker_down, verified, applicant_member, applicant_admin, province_reviewer,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    a = draft(verified, applicant_member, name=NAME, abstract="钙钛矿电池封装提高了稳定性。")
    with django_capture_on_commit_callbacks(execute=True):
        publish(a, applicant_admin, province_reviewer)

    assert hits("钙钛矿") == []  # nobody applied the outbox yet
    events = AuditEvent.objects.filter(object_type="achievements.achievement", object_id=str(a.pk)).count()
    assert events >= 3  # submitted, review started, published: one outbox row per audited change
    assert lag()["pending"] == events
    applied = apply_pending()  # the worker "restarts"
    assert (applied.rows, applied.upserted, applied.deleted) == (events, 1, 0)
    assert hits("钙钛矿") == [NAME]
    # The indexed achievement's passage waits for the worker's e5 loop (re-ranking stage).
    assert lag() == {"pending": 0, "oldest_seconds": 0.0, "rerank_pending": 1}
    assert apply_pending().rows == 0  # a second delivery finds nothing to do


def test_immediate_worker_indexes_on_commit_and_unpublishing_removes(
    index_dir, verified, applicant_member, applicant_admin, province_reviewer, django_capture_on_commit_callbacks
):
    a = draft(verified, applicant_member, name=NAME)
    with django_capture_on_commit_callbacks(execute=True):
        publish(a, applicant_admin, province_reviewer)
    assert hits("钙钛矿") == [NAME]
    with django_capture_on_commit_callbacks(execute=True):
        achievement_services.withdraw_achievement(actor=applicant_admin, achievement_id=a.pk, comment="不再转化")
    assert Achievement.objects.get(pk=a.pk).status == Achievement.Status.WITHDRAWN
    assert hits("钙钛矿") == []


def test_rolled_back_change_never_appears(
    index_dir, verified, applicant_member, applicant_admin, province_reviewer, django_capture_on_commit_callbacks
):
    a = draft(verified, applicant_member, name=NAME)
    before = SearchOutbox.objects.count()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        publish(a, applicant_admin, province_reviewer)
        raise RuntimeError("crash before commit")
    assert SearchOutbox.objects.count() == before
    assert Achievement.objects.get(pk=a.pk).status == Achievement.Status.DRAFT
    apply_pending()
    reindex()
    assert hits("钙钛矿") == []


def test_claim_of_a_crashed_worker_is_taken_over(
    index_dir, worker_down, verified, applicant_member, applicant_admin, province_reviewer,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    a = draft(verified, applicant_member, name=NAME)
    with django_capture_on_commit_callbacks(execute=True):
        publish(a, applicant_admin, province_reviewer)
    # A worker claimed the rows a minute ago and is still working: another worker leaves them.
    SearchOutbox.objects.update(claimed_at=timezone.now() - datetime.timedelta(minutes=1), claim_token="other")
    assert apply_pending().rows == 0
    assert hits("钙钛矿") == []
    # That worker died: after the claim timeout its rows are taken over.
    SearchOutbox.objects.update(claimed_at=timezone.now() - datetime.timedelta(minutes=10))
    assert apply_pending().rows == SearchOutbox.objects.count()
    assert hits("钙钛矿") == [NAME]


def test_a_task_that_meets_a_busy_index_tries_again_shortly(
    index_dir, worker_down, verified, applicant_member, applicant_admin, province_reviewer,
    django_capture_on_commit_callbacks, monkeypatch,
):  # fmt: skip
    """A change made while a reindex holds the writer: the task releases its rows and comes back a few
    seconds later (it used to wait for the next catch-up round, minutes later)."""
    from techtransfer.search.backends import get_backend
    from techtransfer.search.backends.base import BackendBusy
    from techtransfer.search.tasks import RETRY_WHEN_BUSY, apply_outbox

    a = draft(verified, applicant_member, name=NAME)
    with django_capture_on_commit_callbacks(execute=True):
        publish(a, applicant_admin, province_reviewer)
    queue = apply_outbox.get_backend().results
    queue.clear()

    def busy(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise BackendBusy("LockBusy")

    monkeypatch.setattr(get_backend(), "apply", busy)
    before = timezone.now()
    assert apply_outbox.call() == 0
    assert SearchOutbox.objects.filter(done_at__isnull=True, claim_token="").count() == lag()["pending"] > 0
    (retry,) = queue
    assert retry.task.name == "apply_outbox"
    assert before + RETRY_WHEN_BUSY <= retry.task.run_after <= timezone.now() + RETRY_WHEN_BUSY
    monkeypatch.undo()
    assert apply_outbox.call() > 0 and hits("钙钛矿") == [NAME]
    assert len(queue) == 1  # done: no further retry


def test_reindex_rebuilds_from_the_database_and_settles_the_outbox(
    index_dir, worker_down, verified, applicant_member, applicant_admin, province_reviewer,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    a = draft(verified, applicant_member, name=NAME)
    with django_capture_on_commit_callbacks(execute=True):
        publish(a, applicant_admin, province_reviewer)
    steps: list[tuple[int, int | None]] = []
    # Every verified organisation (the applicant and the four departments) is a document too.
    assert Organisation.objects.filter(status=OrganisationStatus.VERIFIED).count() == 5
    assert reindex(progress=lambda done, total: steps.append((done, total))) == 6
    assert steps[-1] == (6, 6)
    assert hits("钙钛矿") == [NAME]
    assert lag()["pending"] == 0


def test_bulk_demo_publishing_enqueues_every_record(index_dir, worker_down, verified, applicant_member):
    from techtransfer.achievements.demo import load_demo_achievements

    n = load_demo_achievements(organisations=[verified], actor_for=lambda org: applicant_member, limit=3)
    assert n == 6  # three papers of each of the two source files
    apply_pending()
    page_ids = set(Achievement.objects.filter(is_demo=True).values_list("name", flat=True))
    found = {t for name in page_ids for t in hits(name) if t == name}
    assert found == page_ids


def test_worker_start_catches_up_through_its_periodic_run(
    index_dir, worker_down, verified, applicant_member, applicant_admin, province_reviewer,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    from techtransfer.jobs.periodic import run_due

    a = draft(verified, applicant_member, name=NAME)
    with django_capture_on_commit_callbacks(execute=True):
        publish(a, applicant_admin, province_reviewer)
    assert hits("钙钛矿") == []
    assert "search.catch_up" in run_due()  # what the worker's heartbeat does when it starts
    assert hits("钙钛矿") == [NAME]


def test_renaming_the_organisation_refreshes_its_records(
    index_dir, verified, applicant_member, applicant_admin, province_reviewer, django_capture_on_commit_callbacks
):
    from techtransfer.core import services as core_services

    a = draft(verified, applicant_member, name=NAME)
    with django_capture_on_commit_callbacks(execute=True):
        publish(a, applicant_admin, province_reviewer)
    assert hits("赣江光伏") == []
    with django_capture_on_commit_callbacks(execute=True):
        core_services.update_organisation(
            actor=applicant_admin, organisation_id=verified.pk, data={"name": "赣江光伏科技"}
        )
    # Its records go by the new name as a whole; the name's words alone do not find them.
    assert hits("赣江光伏科技", type_names=["achievement"]) == [NAME]
    assert hits("赣江光伏", type_names=["achievement"]) == []


def test_worker_rebuilds_an_index_started_afresh(
    index_dir, verified, applicant_member, applicant_admin, province_reviewer, django_capture_on_commit_callbacks
):
    """An upgrade that changes the search declarations empties the index when it opens; the worker's
    catch-up rebuilds it from the database, once."""
    from techtransfer.search.backends import get_backend, reset_backends
    from techtransfer.search.backends.tantivy_backend import SCHEMA_MARKER
    from techtransfer.search.periodic import catch_up

    a = draft(verified, applicant_member, name=NAME)
    with django_capture_on_commit_callbacks(execute=True):
        publish(a, applicant_admin, province_reviewer)
    catch_up()
    assert hits("钙钛矿") == [NAME]
    reset_backends()
    (index_dir / SCHEMA_MARKER).write_text("{}")  # built for other declarations
    assert hits("钙钛矿") == []  # opened afresh, empty
    assert get_backend().rebuild_needed()
    assert catch_up()["rebuilt"] == get_backend().count() > 0
    assert hits("钙钛矿") == [NAME]
    assert catch_up()["rebuilt"] == -1  # once


def test_a_rebuild_that_meets_a_busy_database_waits_for_the_next_round(index_dir, monkeypatch, caplog):
    from django.db import OperationalError

    from techtransfer.search import periodic
    from techtransfer.search.backends import get_backend

    assert get_backend().rebuild_needed()  # a new index

    def busy(**kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("database is locked")

    monkeypatch.setattr(periodic, "rebuild_if_needed", busy)
    assert periodic.catch_up()["rebuilt"] == -1
    assert "rebuild deferred to the next round: database is locked" in caplog.text
    assert get_backend().rebuild_needed()  # still asked for
    monkeypatch.undo()
    assert periodic.catch_up()["rebuilt"] == 0 and not get_backend().rebuild_needed()
