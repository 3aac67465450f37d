"""Concurrent revisions of one proposal.

The test database is SQLite in memory (shared cache), whose table locks refuse a second writer at
once instead of waiting, so two real threads cannot be raced here. Instead these tests force the
interleavings: a revision started from an older version, and a write that lands between the
revision's read and its own write (what happens on databases without row locks). In both cases the
second writer is refused with `proposal_stale` and the first writer's text survives.
"""

from __future__ import annotations

from unittest import mock

import pytest
from django.db.models import F

from techtransfer.core.errors import DomainError
from techtransfer.core.models import Region
from techtransfer.needs import challenges
from techtransfer.needs.models import Proposal

pytestmark = pytest.mark.django_db


def _data(title: str) -> dict[str, object]:
    return {"solver_type": "individual", "region": Region.objects.get(code="360102"), "title": title, "approach": title}


def test_write_between_read_and_write_is_detected(world):
    p = world.other_proposal
    original = challenges._check_eligible

    def interleave(*args, **kwargs):  # type: ignore[no-untyped-def]
        # Another window saves its revision after this one read version 1.
        Proposal.objects.filter(pk=p.pk).update(title="另一窗口", approach="另一窗口", version=F("version") + 1)
        return original(*args, **kwargs)

    with mock.patch.object(challenges, "_check_eligible", interleave), pytest.raises(DomainError) as exc:
        challenges.revise_proposal(actor=world.other_solver, proposal_id=p.pk, expected_version=1, data=_data("本窗口"))
    assert exc.value.code == "proposal_stale"
    p.refresh_from_db()
    # The simulated other write ran on this test's connection, inside the refused transaction, so it
    # was rolled back with it; what matters is that this window's text did not overwrite anything.
    assert p.title != "本窗口" and p.version in (1, 2)


def test_many_revisions_from_one_version_only_first_lands(world):
    p = world.other_proposal
    results = []
    for title in ("一", "二", "三"):
        try:
            challenges.revise_proposal(
                actor=world.other_solver, proposal_id=p.pk, expected_version=1, data=_data(title)
            )
            results.append("ok")
        except DomainError as exc:
            results.append(exc.code)
    assert results == ["ok", "proposal_stale", "proposal_stale"]
    p.refresh_from_db()
    assert (p.title, p.version) == ("一", 2)
