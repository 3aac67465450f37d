"""Five simultaneous sends of one create form make one draft (core.once), on PostgreSQL.

Threads need committed data and their own connections, so this module uses a transactional database
and is skipped on SQLite (threads cannot share the in-memory test database); the PostgreSQL lane
runs it. A transactional test flushes every table, so the module puts the regions back when it ends.
"""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection
from django.http import QueryDict

from techtransfer.core import once
from techtransfer.needs.models import Need
from techtransfer.needs.tests.factories import verify

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("regions_after_module")]


@pytest.fixture(autouse=True)
def _regions(transactional_db):  # type: ignore[no-untyped-def]
    if connection.vendor == "sqlite":
        pytest.skip("threads cannot share the in-memory SQLite test database; the PostgreSQL lane runs this test")
    from techtransfer.core.models import Region
    from techtransfer.core.regions_loader import load_regions

    if not Region.objects.exists():
        load_regions()


def test_five_simultaneous_sends_make_one_draft(applicant_org, applicant_admin):
    from techtransfer.needs import services
    from techtransfer.needs.forms import NeedForm

    verify(applicant_org)
    form = NeedForm({"title": "测试需求", "summary": "摘要", "description": "描述", "cooperation_modes": ["service"],
                     "confidentiality": "summary"})  # fmt: skip
    assert form.is_valid(), form.errors
    data = QueryDict(mutable=True)
    data.update({"title": "测试需求"})
    barrier = threading.Barrier(5)
    results: list[object] = [None] * 5

    def send(i: int) -> None:
        try:
            barrier.wait()
            results[i] = once.create_once(
                applicant_admin, data, "needs.need",
                lambda: services.create_need(actor=applicant_admin, organisation_id=applicant_org.pk, data=form.values()),
            )  # fmt: skip
        except BaseException as exc:  # checked below
            results[i] = exc
        finally:
            close_old_connections()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    need = Need.objects.get()
    assert sorted(results, key=lambda r: not r[1]) == [(need.pk, True)] + [(need.pk, False)] * 4  # type: ignore[index]
