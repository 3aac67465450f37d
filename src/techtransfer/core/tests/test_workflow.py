"""The shared review table and the Workflow helper, proven on organisation verification."""

import itertools

import pytest
from django.utils import translation

from techtransfer.audit.models import AuditEvent
from techtransfer.core.choices import OrganisationStatus, ReviewStatus
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.models import Organisation
from techtransfer.core.services import ORGANISATION_VERIFICATION
from techtransfer.core.workflow import REVIEW_TRANSITIONS, Workflow, transition

EXPECTED_REVIEW_MOVES = {
    ("draft", "submit"): "submitted",
    ("returned", "submit"): "submitted",
    ("submitted", "start_review"): "under_review",
    ("under_review", "publish"): "published",
    ("submitted", "return"): "returned",
    ("under_review", "return"): "returned",
    ("under_review", "reject"): "rejected",
    ("published", "withdraw"): "withdrawn",
    ("published", "expire"): "expired",
}


def test_review_table_allows_exactly_the_expected_moves():
    wf = Workflow(model=Organisation, transitions=REVIEW_TRANSITIONS)
    actions = [t.action for t in REVIEW_TRANSITIONS]
    for state, action in itertools.product(ReviewStatus.values, actions):
        expected = EXPECTED_REVIEW_MOVES.get((state, action))
        assert wf.can(state, action) is (expected is not None), (state, action)
        if expected:
            assert wf.transitions[action].target == expected


def test_duplicate_actions_are_refused():
    with pytest.raises(ValueError):
        Workflow(model=Organisation, transitions=[transition("a", ["x"], "y", "A"), transition("a", ["y"], "z", "A")])


def test_verification_table():
    wf = ORGANISATION_VERIFICATION
    assert [t.action for t in wf.allowed_actions(OrganisationStatus.REGISTERED)] == ["verify", "suspend"]
    assert [t.action for t in wf.allowed_actions(OrganisationStatus.VERIFIED)] == ["suspend"]
    assert [t.action for t in wf.allowed_actions(OrganisationStatus.SUSPENDED)] == ["reinstate"]


@pytest.mark.django_db
def test_apply_moves_saves_audits_and_runs_side_effect_after_commit(
    applicant_org, county_reviewer, django_capture_on_commit_callbacks
):
    seen = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        org = ORGANISATION_VERIFICATION.apply(
            pk=applicant_org.pk, action="verify", actor=county_reviewer, comment="ok", after_commit=seen.append
        )
    # The side effect, and the search index update (organisations are searchable).
    assert len(callbacks) == 2
    assert seen == [org]
    applicant_org.refresh_from_db()
    assert applicant_org.status == OrganisationStatus.VERIFIED
    event = AuditEvent.objects.get(action="organisation.verify")
    assert event.actor == county_reviewer
    assert event.changes == {"status": ["registered", "verified"]}
    assert event.comment == "ok"
    assert event.object_id == str(applicant_org.pk)


@pytest.mark.django_db
def test_apply_refuses_a_move_not_in_the_table_and_writes_nothing(applicant_org, county_reviewer):
    with pytest.raises(DomainError) as exc, translation.override("en"):
        ORGANISATION_VERIFICATION.apply(pk=applicant_org.pk, action="reinstate", actor=county_reviewer)
    assert exc.value.error == Errors.INVALID_TRANSITION
    assert exc.value.details == {"action": "reinstate", "state": "registered", "state_label": "Registered"}
    # Said as what the record is now (a second tab, or someone else, acted first).
    with translation.override("en"):
        assert exc.value.message == "This record is now “Registered”: this action is no longer possible."
    applicant_org.refresh_from_db()
    assert applicant_org.status == OrganisationStatus.REGISTERED
    assert not AuditEvent.objects.filter(action__startswith="organisation.").exists()


@pytest.mark.django_db
def test_a_refusing_guard_leaves_no_trace(applicant_org, county_reviewer, django_capture_on_commit_callbacks):
    def guard(org):
        raise DomainError(Errors.PERMISSION_DENIED)

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(DomainError):
        ORGANISATION_VERIFICATION.apply(
            pk=applicant_org.pk, action="verify", actor=county_reviewer, guard=guard, after_commit=lambda o: None
        )
    assert callbacks == []
    applicant_org.refresh_from_db()
    assert applicant_org.status == OrganisationStatus.REGISTERED
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_unknown_object_and_unknown_action(county_reviewer):
    with pytest.raises(DomainError) as exc:
        ORGANISATION_VERIFICATION.apply(pk=999999, action="verify", actor=county_reviewer)
    assert exc.value.error == Errors.NOT_FOUND
    with pytest.raises(DomainError) as exc:
        ORGANISATION_VERIFICATION.apply(pk=999999, action="fly", actor=county_reviewer)
    assert exc.value.error == Errors.INVALID_TRANSITION
