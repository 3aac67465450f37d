import datetime

import pytest
from django.core import mail
from django.utils import timezone, translation

from techtransfer.audit.models import AuditEvent
from techtransfer.core import services, uscc
from techtransfer.core.choices import OrganisationStatus, Role
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.models import Invitation, Membership, Organisation, User
from techtransfer.core.tests.factories import PASSWORD, OrganisationFactory

pytestmark = pytest.mark.django_db

GOOD_USCC = uscc.make("91360121MA3500001")


def register(**overrides):
    data = {
        "name": "南昌县新公司",
        "type": "enterprise",
        "uscc_code": GOOD_USCC,
        "region_code": "360121",
        "admin_username": "newadmin",
        "admin_email": "new@example.org",
        "admin_password": PASSWORD,
    }
    data.update(overrides)
    return services.register_organisation(**data)


def test_registration_creates_organisation_admin_and_events():
    org, user = register()
    assert org.status == OrganisationStatus.REGISTERED
    assert org.uscc == GOOD_USCC
    assert org.region_id == "360121"
    assert user.check_password(PASSWORD)
    assert Membership.objects.get(user=user, organisation=org).role == Role.ORG_ADMIN
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "organisation.create",
        "user.create",
        "membership.create",
    ]


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"uscc_code": GOOD_USCC[:17] + ("0" if GOOD_USCC[17] != "0" else "1")}, Errors.USCC_INVALID),
        ({"region_code": "999999"}, Errors.REGION_UNKNOWN),
        ({"admin_password": "12345678901"}, Errors.VALIDATION),
    ],
)
def test_registration_refusals_save_nothing(overrides, error):
    with pytest.raises(DomainError) as exc:
        register(**overrides)
    assert exc.value.error == error
    assert Organisation.objects.count() == 0
    assert not User.objects.filter(username="newadmin").exists()
    assert AuditEvent.objects.count() == 0


def test_duplicate_code_and_user_name_are_refused():
    register()
    with pytest.raises(DomainError) as exc:
        register(admin_username="other")
    assert exc.value.error == Errors.USCC_TAKEN
    with pytest.raises(DomainError) as exc:
        register(uscc_code=uscc.make("91360121MA3500002"), admin_username="NEWADMIN")
    assert exc.value.error == Errors.USERNAME_TAKEN
    assert Organisation.objects.count() == 1


def test_reviewer_in_jurisdiction_verifies(applicant_org, county_reviewer):
    org = services.verify_organisation(actor=county_reviewer, organisation_id=applicant_org.pk, comment="材料齐全")
    assert org.status == OrganisationStatus.VERIFIED
    assert org.verified_by == county_reviewer
    assert org.verified_at is not None
    event = AuditEvent.objects.get(action="organisation.verify")
    assert event.changes["status"] == ["registered", "verified"]
    assert event.changes["verified_by"] == [None, county_reviewer.pk]
    assert event.organisation == applicant_org


def test_reviewer_outside_jurisdiction_is_refused(applicant_org, ganzhou_reviewer):
    with pytest.raises(DomainError) as exc:
        services.verify_organisation(actor=ganzhou_reviewer, organisation_id=applicant_org.pk)
    assert exc.value.error == Errors.OUTSIDE_JURISDICTION
    applicant_org.refresh_from_db()
    assert applicant_org.status == OrganisationStatus.REGISTERED
    assert not AuditEvent.objects.filter(action="organisation.verify").exists()


def test_nobody_verifies_their_own_government_department(gov_orgs, county_reviewer):
    county = gov_orgs["county"]
    Organisation.objects.filter(pk=county.pk).update(status=OrganisationStatus.REGISTERED)
    with pytest.raises(DomainError):
        services.verify_organisation(actor=county_reviewer, organisation_id=county.pk)


def test_suspend_needs_a_reason_then_reinstate(applicant_org, city_reviewer):
    with pytest.raises(DomainError) as exc:
        services.suspend_organisation(actor=city_reviewer, organisation_id=applicant_org.pk, reason="  ")
    assert exc.value.error == Errors.VALIDATION
    org = services.suspend_organisation(actor=city_reviewer, organisation_id=applicant_org.pk, reason="资质过期")
    assert (org.status, org.status_reason) == (OrganisationStatus.SUSPENDED, "资质过期")
    org = services.reinstate_organisation(actor=city_reviewer, organisation_id=applicant_org.pk, comment="已更新")
    assert org.status == OrganisationStatus.VERIFIED
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "organisation.suspend",
        "organisation.reinstate",
    ]


def test_a_suspension_reason_must_fit_the_organisation(applicant_org, city_reviewer):
    """The review form takes a comment of 2000 characters for every decision; a suspension keeps its
    reason in `status_reason` (500): a longer one is refused under `comment`, not left to the database."""
    with translation.override("en"), pytest.raises(DomainError) as exc:
        services.suspend_organisation(actor=city_reviewer, organisation_id=applicant_org.pk, reason="x" * 501)
    assert (exc.value.error, exc.value.details) == (
        Errors.VALIDATION,
        {"comment": ["Ensure this value has at most 500 characters."]},
    )
    assert Organisation.objects.get(pk=applicant_org.pk).status == OrganisationStatus.REGISTERED
    assert not AuditEvent.objects.exists()


def test_update_profile_records_only_changed_fields(applicant_org, applicant_admin, applicant_member):
    services.update_organisation(
        actor=applicant_admin,
        organisation_id=applicant_org.pk,
        data={"name": applicant_org.name, "address": "南昌县1号"},
    )
    event = AuditEvent.objects.get(action="organisation.update")
    assert event.changes == {"address": ["", "南昌县1号"]}
    with pytest.raises(DomainError) as exc:
        services.update_organisation(actor=applicant_member, organisation_id=applicant_org.pk, data={"address": "x"})
    assert exc.value.error == Errors.PERMISSION_DENIED


def test_invitation_round_trip(applicant_org, applicant_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        inv, raw = services.invite_member(
            actor=applicant_admin, organisation_id=applicant_org.pk, email="friend@example.org", role=Role.MEMBER
        )
    assert len(mail.outbox) == 1
    assert raw in mail.outbox[0].body
    assert inv.token_hash != raw
    user, membership = services.register_user_and_accept(raw_token=raw, username="friend", password=PASSWORD)
    assert membership.organisation == applicant_org
    assert membership.role == Role.MEMBER
    assert user.email == "friend@example.org"
    with pytest.raises(DomainError) as exc:
        services.accept_invitation(raw_token=raw, user=user)
    assert exc.value.error == Errors.INVITATION_INVALID


def test_expired_and_revoked_invitations_are_refused(applicant_org, applicant_admin, outsider):
    inv, raw = services.invite_member(
        actor=applicant_admin, organisation_id=applicant_org.pk, email="a@b.org", role="member"
    )
    Invitation.objects.filter(pk=inv.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(DomainError):
        services.accept_invitation(raw_token=raw, user=outsider)
    inv2, raw2 = services.invite_member(
        actor=applicant_admin, organisation_id=applicant_org.pk, email="c@d.org", role="member"
    )
    services.revoke_invitation(actor=applicant_admin, invitation_id=inv2.pk)
    with pytest.raises(DomainError):
        services.accept_invitation(raw_token=raw2, user=outsider)
    assert not Membership.objects.filter(user=outsider, organisation=applicant_org).exists()


def test_government_roles_only_in_government_departments(applicant_org, applicant_admin):
    with pytest.raises(DomainError) as exc:
        services.invite_member(
            actor=applicant_admin, organisation_id=applicant_org.pk, email="x@y.org", role=Role.GOV_REVIEWER
        )
    assert exc.value.error == Errors.ROLE_NOT_ALLOWED


def test_members_cannot_invite(applicant_org, applicant_member):
    with pytest.raises(DomainError) as exc:
        services.invite_member(actor=applicant_member, organisation_id=applicant_org.pk, email="x@y.org", role="member")
    assert exc.value.error == Errors.PERMISSION_DENIED


def test_last_admin_cannot_leave_or_be_demoted(applicant_org, applicant_admin, applicant_member):
    admin_membership = Membership.objects.get(user=applicant_admin)
    with pytest.raises(DomainError) as exc:
        services.change_member_role(actor=applicant_admin, membership_id=admin_membership.pk, role=Role.MEMBER)
    assert exc.value.error == Errors.LAST_ADMIN
    with pytest.raises(DomainError):
        services.deactivate_member(actor=applicant_admin, membership_id=admin_membership.pk)
    member = Membership.objects.get(user=applicant_member)
    services.change_member_role(actor=applicant_admin, membership_id=member.pk, role=Role.ORG_ADMIN)
    services.deactivate_member(actor=applicant_admin, membership_id=admin_membership.pk)
    admin_membership.refresh_from_db()
    assert admin_membership.is_active is False
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "membership.update",
        "membership.deactivate",
    ]


def test_other_organisations_admin_cannot_touch_members(applicant_member, outsider):
    member = Membership.objects.get(user=applicant_member)
    with pytest.raises(DomainError) as exc:
        services.deactivate_member(actor=outsider, membership_id=member.pk)
    assert exc.value.error == Errors.NOT_FOUND


def test_factory_codes_are_valid():
    assert uscc.is_valid(OrganisationFactory().uscc)


def test_an_invitation_is_for_its_address_and_a_new_one_replaces_the_old(applicant_org, applicant_admin, outsider):
    """A QA pass joined one organisation from three links sent to one address, one of them accepted by
    an account with another address."""
    old, old_raw = services.invite_member(
        actor=applicant_admin, organisation_id=applicant_org.pk, email="Broker@Example.org", role="member"
    )
    new, new_raw = services.invite_member(
        actor=applicant_admin, organisation_id=applicant_org.pk, email="broker@example.org", role="member"
    )
    old.refresh_from_db()
    assert old.revoked_at is not None and new.revoked_at is None
    with pytest.raises(DomainError) as exc:
        services.register_user_and_accept(raw_token=old_raw, username="first", password=PASSWORD)
    assert exc.value.error == Errors.INVITATION_INVALID
    outsider.email = "someone.else@example.org"
    outsider.save(update_fields=["email"])
    with pytest.raises(DomainError) as exc:
        services.accept_invitation(raw_token=new_raw, user=outsider)
    assert exc.value.error == Errors.INVITATION_OTHER_EMAIL
    outsider.email = "BROKER@example.org"
    outsider.save(update_fields=["email"])
    assert services.accept_invitation(raw_token=new_raw, user=outsider).organisation == applicant_org
