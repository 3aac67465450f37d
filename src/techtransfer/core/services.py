"""Every write to organisations, people, memberships and invitations.

Each function runs in one transaction, writes an audit event for each change and schedules e-mail
only after commit. Callers pass clean values (forms and API schemas validate first) and an actor.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from techtransfer.audit.services import diff, record_event, snapshot
from techtransfer.core import notices, phone, uscc
from techtransfer.core.choices import GOVERNMENT_ROLES, OrganisationStatus, OrganisationType, Role
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.jurisdiction import may_act_on_region
from techtransfer.core.models import Invitation, Membership, Organisation, Region, User
from techtransfer.core.roles import forget, is_org_admin, refuse_own
from techtransfer.core.workflow import Workflow, transition

ORGANISATION_VERIFICATION = Workflow(
    model=Organisation,
    transitions=[
        transition("verify", [OrganisationStatus.REGISTERED], OrganisationStatus.VERIFIED, _("Verify")),
        transition(
            "suspend",
            [OrganisationStatus.REGISTERED, OrganisationStatus.VERIFIED],
            OrganisationStatus.SUSPENDED,
            _("Suspend"),
        ),
        transition("reinstate", [OrganisationStatus.SUSPENDED], OrganisationStatus.VERIFIED, _("Reinstate")),
    ],
)

ORGANISATION_EDITABLE_FIELDS = (
    "name",
    "name_en",
    "address",
    "website",
    "description",
    "contact_email",
    "contact_phone",
)


def _region(code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise DomainError(Errors.REGION_UNKNOWN, details={"field": "region", "region": code})
    return region


def _check_role_for(organisation: Organisation, role: str) -> None:
    if role in GOVERNMENT_ROLES and organisation.type != OrganisationType.GOVERNMENT:
        raise DomainError(Errors.ROLE_NOT_ALLOWED, details={"field": "role", "role": role})


@transaction.atomic
def register_organisation(
    *,
    name: str,
    type: str,
    uscc_code: str,
    region_code: str,
    admin_username: str,
    admin_email: str,
    admin_password: str,
    admin_display_name: str = "",
    name_en: str = "",
    address: str = "",
    website: str = "",
    description: str = "",
    contact_phone: str = "",
    is_demo: bool = False,
) -> tuple[Organisation, User]:
    """Self-service registration: a new organisation (status `registered`) and its first admin.

    Refuses an invalid or already registered credit code, a government department whose code is not a
    state organ's (11), an unknown region and a taken user name;
    nothing is saved when any check fails. Writes `organisation.create`, `user.create` and
    `membership.create` events. A government reviewer of the region verifies the organisation later.
    """
    code = uscc.normalise(uscc_code)
    if not uscc.is_valid(code):
        raise DomainError(Errors.USCC_INVALID, details={"field": "uscc", "reason": uscc.problem(code)})
    if type == OrganisationType.GOVERNMENT and uscc.registrant_kind(code) != uscc.STATE_ORGAN:
        # Otherwise an enterprise could register as a (verified, listed) government department.
        raise DomainError(Errors.USCC_NOT_STATE_ORGAN, details={"field": "uscc"})
    if Organisation.objects.filter(uscc=code).exists():
        raise DomainError(Errors.USCC_TAKEN, details={"field": "uscc"})
    if User.objects.filter(username__iexact=admin_username).exists():
        raise DomainError(Errors.USERNAME_TAKEN, details={"field": "admin_username"})
    region = _region(region_code)
    contact_phone = phone.checked(contact_phone)
    user = User(username=admin_username, email=admin_email, display_name=admin_display_name, is_demo=is_demo)
    try:
        validate_password(admin_password, user)
    except ValidationError as exc:
        raise DomainError(Errors.VALIDATION, details={"admin_password": [str(m) for m in exc.messages]}) from exc
    user.set_password(admin_password)
    try:
        with transaction.atomic():
            org = Organisation.objects.create(
                name=name,
                name_en=name_en,
                type=type,
                uscc=code,
                region=region,
                address=address,
                website=website,
                description=description,
                contact_email=admin_email,
                contact_phone=contact_phone,
                is_demo=is_demo,
            )
            user.save()
    except IntegrityError as exc:  # a concurrent registration took the code or the user name
        raise DomainError(Errors.USCC_TAKEN, details={"field": "uscc"}) from exc
    membership = Membership.objects.create(user=user, organisation=org, role=Role.ORG_ADMIN)
    record_event(
        actor=user,
        action="organisation.create",
        obj=org,
        organisation=org,
        changes=snapshot(org, ["name", "type", "uscc", "region", "status"]),
    )
    record_event(actor=user, action="user.create", obj=user, organisation=org, changes={"username": user.username})
    record_event(
        actor=user, action="membership.create", obj=membership, organisation=org, changes={"role": membership.role}
    )
    return org, user


def _reviewer_guard(actor: User) -> Any:
    def guard(org: Organisation) -> None:
        if not may_act_on_region(actor, org.region_id):
            raise DomainError(Errors.OUTSIDE_JURISDICTION)
        refuse_own(actor, org)  # nobody verifies their own organisation

    return guard


@transaction.atomic
def verify_organisation(*, actor: User, organisation_id: int, comment: str = "") -> Organisation:
    """A government reviewer whose jurisdiction covers the organisation's region verifies it; the
    organisation's admins are told (`core.organisation_status`)."""

    def update(org: Organisation) -> list[str]:
        org.verified_at = timezone.now()
        org.verified_by = actor
        org.status_reason = comment
        return ["verified_at", "verified_by", "status_reason"]

    org = ORGANISATION_VERIFICATION.apply(
        pk=organisation_id,
        action="verify",
        actor=actor,
        guard=_reviewer_guard(actor),
        update=update,
        organisation=lambda org: org,
        comment=comment,
    )
    notices.organisation_reviewed(org, "verify")
    return org


@transaction.atomic
def suspend_organisation(*, actor: User, organisation_id: int, reason: str) -> Organisation:
    """Suspend a registered or verified organisation (suspending a registered one is how its
    registration is refused); the reason is required, shown to it and sent to its admins."""
    if not reason.strip():
        # Named as the web form and the API call the reason: `comment`, as for the other decisions.
        raise DomainError(Errors.VALIDATION, details={"comment": [gettext("A reason is required.")]})
    if len(reason) > (limit := Organisation._meta.get_field("status_reason").max_length or 0):
        # The reason is kept as the organisation's `status_reason`; the review form and the API take
        # a comment of up to 2000 characters for every decision (PostgreSQL refused a longer one: a 500).
        message = gettext("Ensure this value has at most %(max_length)s characters.") % {"max_length": limit}
        raise DomainError(Errors.VALIDATION, details={"comment": [message]})

    def update(org: Organisation) -> list[str]:
        org.status_reason = reason
        return ["status_reason"]

    org = ORGANISATION_VERIFICATION.apply(
        pk=organisation_id,
        action="suspend",
        actor=actor,
        guard=_reviewer_guard(actor),
        update=update,
        organisation=lambda org: org,
        comment=reason,
    )
    notices.organisation_reviewed(org, "suspend")
    return org


@transaction.atomic
def reinstate_organisation(*, actor: User, organisation_id: int, comment: str = "") -> Organisation:
    """Lift a suspension; the organisation's admins are told."""

    def update(org: Organisation) -> list[str]:
        org.status_reason = comment
        return ["status_reason"]

    org = ORGANISATION_VERIFICATION.apply(
        pk=organisation_id,
        action="reinstate",
        actor=actor,
        guard=_reviewer_guard(actor),
        update=update,
        organisation=lambda org: org,
        comment=comment,
    )
    notices.organisation_reviewed(org, "reinstate")
    return org


@transaction.atomic
def update_organisation(*, actor: User, organisation_id: int, data: dict[str, Any]) -> Organisation:
    """An org admin edits the profile fields; identity fields (type, code, region) stay as verified."""
    org = Organisation.objects.select_for_update().filter(pk=organisation_id).first()
    if org is None:
        raise DomainError(Errors.NOT_FOUND)
    if not (is_org_admin(actor, org) or actor.is_platform_admin):
        raise DomainError(Errors.PERMISSION_DENIED)
    fields = [f for f in ORGANISATION_EDITABLE_FIELDS if f in data]
    if "contact_phone" in data:
        data = {**data, "contact_phone": phone.checked(data["contact_phone"] or "")}
    before = snapshot(org, fields)
    for f in fields:
        setattr(org, f, data[f])
    changes = diff(before, snapshot(org, fields))
    if changes:
        org.save(update_fields=[*changes, "updated_at"])
        record_event(actor=actor, action="organisation.update", obj=org, organisation=org, changes=changes)
    return org


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _invitee_language(email: str) -> str:
    """The language of the invitation e-mail: the one the invitee chose, if the address already has an
    account with a language; otherwise the platform's default, never the inviter's (a person in
    Nanchang invited by an admin who reads English still gets a Chinese e-mail)."""
    chosen = (
        User.objects.filter(email__iexact=email, is_active=True)
        .exclude(language="")
        .order_by("-last_login", "-pk")
        .values_list("language", flat=True)
        .first()
    )
    return chosen or settings.LANGUAGE_CODE


@transaction.atomic
def invite_member(*, actor: User, organisation_id: int, email: str, role: str) -> tuple[Invitation, str]:
    """An org admin invites a person by e-mail. Returns the invitation and the one-time token.

    The e-mail with the link is sent after commit; only the token's hash is stored.
    """
    org = Organisation.objects.filter(pk=organisation_id).first()
    if org is None:
        raise DomainError(Errors.NOT_FOUND)
    if not (is_org_admin(actor, org) or actor.is_platform_admin):
        raise DomainError(Errors.PERMISSION_DENIED)
    _check_role_for(org, role)
    if Membership.objects.filter(organisation=org, user__email__iexact=email, is_active=True).exists():
        raise DomainError(Errors.ALREADY_MEMBER, details={"field": "email"})
    # A new invitation to the same address replaces the open ones: their links stop working (each
    # used to stay valid, and two accounts joined from two links sent to one address).
    for old in Invitation.objects.select_for_update().filter(
        organisation=org, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ):
        old.revoked_at = timezone.now()
        old.save(update_fields=["revoked_at"])
        record_event(actor=actor, action="invitation.revoke", obj=old, organisation=org, changes={"replaced": True})
    raw = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=org,
        email=email,
        role=role,
        token_hash=_hash_token(raw),
        invited_by=actor,
        expires_at=timezone.now() + datetime.timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    record_event(
        actor=actor,
        action="invitation.create",
        obj=invitation,
        organisation=org,
        changes={"email": email, "role": role},
    )
    link = f"{settings.SITE_URL}/invitations/{raw}/"
    with translation.override(_invitee_language(email)):
        subject = gettext("Invitation to join %(org)s on techtransfer") % {"org": org.name}
        body = gettext(
            "%(who)s invites you to join %(org)s as %(role)s. Open this link within %(days)s days: %(link)s"
        ) % {
            "who": actor,
            "org": org.name,
            "role": str(Role(role).label),
            "days": settings.INVITATION_VALID_DAYS,
            "link": link,
        }
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email], fail_silently=True))
    return invitation, raw


def _is_open(inv: Invitation | None) -> bool:
    return inv is not None and not inv.accepted_at and not inv.revoked_at and inv.expires_at > timezone.now()


class InvitationState:
    """Why an invitation link no longer works (`invitation_state`); OPEN: it still does."""

    OPEN = "open"
    USED = "used"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


def invitation_state(raw_token: str) -> str:
    """The state of the invitation behind a link, for telling someone who opens it again why it no
    longer works. The token is a secret only its addressee has, so saying "used" reveals nothing."""
    inv = Invitation.objects.filter(token_hash=_hash_token(raw_token)).first()
    if inv is None:
        return InvitationState.UNKNOWN
    if inv.accepted_at:
        return InvitationState.USED
    if inv.revoked_at:
        return InvitationState.WITHDRAWN
    if inv.expires_at <= timezone.now():
        return InvitationState.EXPIRED
    return InvitationState.OPEN


def find_invitation(raw_token: str) -> Invitation | None:
    """The open invitation for this token, or None when unknown, used, revoked or expired."""
    inv = Invitation.objects.select_related("organisation").filter(token_hash=_hash_token(raw_token)).first()
    return inv if _is_open(inv) else None


@transaction.atomic
def accept_invitation(*, raw_token: str, user: User) -> Membership:
    """The invited person (logged in) accepts: the membership is created or re-activated and the
    person who sent the invitation is told (`core.invitation_accepted`)."""
    inv = Invitation.objects.select_for_update().filter(token_hash=_hash_token(raw_token)).first()
    if inv is None or not _is_open(inv):
        raise DomainError(Errors.INVITATION_INVALID)
    if user.email and user.email.strip().lower() != inv.email.strip().lower():
        # The link was sent to someone else (forwarded, or opened while logged in as another person).
        raise DomainError(Errors.INVITATION_OTHER_EMAIL)
    membership, created = Membership.objects.get_or_create(
        user=user, organisation_id=inv.organisation_id, defaults={"role": inv.role}
    )
    if not created:
        if membership.is_active:
            raise DomainError(Errors.ALREADY_MEMBER)
        membership.is_active = True
        membership.role = inv.role
        membership.save(update_fields=["is_active", "role"])
    inv.accepted_at = timezone.now()
    inv.accepted_by = user
    inv.save(update_fields=["accepted_at", "accepted_by"])
    record_event(
        actor=user,
        action="invitation.accept",
        obj=inv,
        organisation=inv.organisation,
        changes={"accepted_at": [None, inv.accepted_at]},
    )
    record_event(
        actor=user,
        action="membership.create" if created else "membership.reactivate",
        obj=membership,
        organisation=inv.organisation,
        changes={"role": membership.role, "is_active": True},
    )
    notices.invitation_accepted(inv, user)
    forget(user)
    return membership


@transaction.atomic
def register_user_and_accept(
    *, raw_token: str, username: str, password: str, display_name: str = ""
) -> tuple[User, Membership]:
    """A person without an account registers from an invitation link and joins in one step."""
    inv = find_invitation(raw_token)
    if inv is None:
        raise DomainError(Errors.INVITATION_INVALID)
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(Errors.USERNAME_TAKEN, details={"field": "username"})
    user = User(username=username, email=inv.email, display_name=display_name)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(Errors.VALIDATION, details={"password1": [str(m) for m in exc.messages]}) from exc
    user.set_password(password)
    user.save()
    record_event(
        actor=user, action="user.create", obj=user, organisation=inv.organisation, changes={"username": username}
    )
    return user, accept_invitation(raw_token=raw_token, user=user)


@transaction.atomic
def revoke_invitation(*, actor: User, invitation_id: int) -> Invitation:
    """An org admin withdraws an open invitation; its link stops working. Writes `invitation.revoke`."""
    inv = Invitation.objects.select_for_update().filter(pk=invitation_id).first()
    if inv is None or not (is_org_admin(actor, inv.organisation_id) or actor.is_platform_admin):
        raise DomainError(Errors.NOT_FOUND)
    if inv.accepted_at or inv.revoked_at:
        raise DomainError(Errors.INVITATION_INVALID)
    inv.revoked_at = timezone.now()
    inv.save(update_fields=["revoked_at"])
    record_event(
        actor=actor, action="invitation.revoke", obj=inv, organisation=inv.organisation, changes={"revoked": True}
    )
    return inv


def _lock_admins(org_id: int) -> int:
    return (
        Membership.objects.select_for_update()
        .filter(organisation_id=org_id, role=Role.ORG_ADMIN, is_active=True)
        .count()
    )


@transaction.atomic
def change_member_role(*, actor: User, membership_id: int, role: str) -> Membership:
    """An org admin changes a member's role; the last admin cannot be demoted."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("organisation", "user")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None or not (is_org_admin(actor, membership.organisation_id) or actor.is_platform_admin):
        raise DomainError(Errors.NOT_FOUND)
    _check_role_for(membership.organisation, role)
    if membership.role == role:
        return membership
    if membership.role == Role.ORG_ADMIN and _lock_admins(membership.organisation_id) <= 1:
        raise DomainError(Errors.LAST_ADMIN)
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    record_event(
        actor=actor,
        action="membership.update",
        obj=membership,
        organisation=membership.organisation,
        changes={"role": [before, role]},
    )
    forget(membership.user)
    return membership


@transaction.atomic
def deactivate_member(*, actor: User, membership_id: int) -> Membership:
    """An org admin removes a member (the row stays, inactive, for the audit trail)."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("organisation", "user")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None or not (is_org_admin(actor, membership.organisation_id) or actor.is_platform_admin):
        raise DomainError(Errors.NOT_FOUND)
    if not membership.is_active:
        return membership
    if membership.role == Role.ORG_ADMIN and _lock_admins(membership.organisation_id) <= 1:
        raise DomainError(Errors.LAST_ADMIN)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    record_event(
        actor=actor,
        action="membership.deactivate",
        obj=membership,
        organisation=membership.organisation,
        changes={"is_active": [True, False]},
    )
    forget(membership.user)
    return membership


def set_language(*, actor: User, language: str) -> None:
    """Remember the language `actor` reads the site in (notifications are written in it); audited
    when it changes. A code the site does not offer is ignored."""
    if language not in dict(settings.LANGUAGES) or actor.language == language:
        return
    before = actor.language
    User.objects.filter(pk=actor.pk).update(language=language)
    actor.language = language
    record_event(actor=actor, action="user.language", obj=actor, changes={"language": [before, language]})
