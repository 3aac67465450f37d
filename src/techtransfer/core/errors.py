"""Stable, bilingual error codes.

Services raise `DomainError` with one of the `ErrorCode`s below. The API turns it into
`{"code", "message", "details"}` with the message in the request's language (zh-hans or en); the
web views show the same message next to the form. Codes never change once released.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Seconds a client is asked to wait (`Retry-After`) before sending again a request that met a locked
# database (`Errors.BUSY`).
BUSY_RETRY_AFTER = 5


@dataclass(frozen=True)
class ErrorCode:
    code: str
    message: Promise | str
    http_status: int = 400
    # Said instead of `message` when the details name the organisation (`details["organisation"]`):
    # to someone acting for an organisation not their own ("南昌县测试企业 must be verified…", not
    # "Your organisation must be verified…" to a platform admin).
    named_message: Promise | str | None = None
    # Said instead of `message` when the details quote the value refused (`details["value"]`, as typed):
    # "“wangwu” is not the user name of a technology broker …" under the field that was given it.
    value_message: Promise | str | None = None


class Errors:
    NOT_FOUND = ErrorCode("not_found", _("The object does not exist or you may not see it."), 404)
    PERMISSION_DENIED = ErrorCode("permission_denied", _("You are not allowed to do this."), 403)
    NOT_AUTHENTICATED = ErrorCode("not_authenticated", _("Please log in or send a valid access token."), 401)
    TOKEN_FAILURES = ErrorCode(
        "token_failures",
        _("Too many requests with an unknown or expired access token from this address: wait a minute."),
        429,
    )
    RATE_LIMITED = ErrorCode(
        "rate_limited",
        _("Too many requests without an access token from this address: wait a minute, or send a token."),
        429,
    )
    BUSY = ErrorCode(
        "busy",
        _("The platform is busy and nothing was saved. Go back and send it again in a moment."),
        503,
    )
    READ_ONLY_TOKEN = ErrorCode("read_only_token", _("This access token may only read."), 403)
    VALIDATION = ErrorCode("validation_error", _("Some fields are not valid."), 422)
    INVALID_TRANSITION = ErrorCode(
        "invalid_transition", _("This action is not possible in the record's current state."), 409
    )
    USCC_INVALID = ErrorCode(
        "uscc_invalid", _("The unified social credit code is not valid (GB 32100-2015 check failed)."), 400
    )
    USCC_NOT_STATE_ORGAN = ErrorCode(
        "uscc_not_state_organ",
        _(
            "A government science department's unified social credit code starts with 11 (a state organ's). "
            "Check the code, or choose the organisation type it was registered as."
        ),
        400,
    )
    USCC_TAKEN = ErrorCode("uscc_taken", _("An organisation with this unified social credit code already exists."), 409)
    REGION_UNKNOWN = ErrorCode("region_unknown", _("Unknown administrative division code."), 400)
    OWN_ORGANISATION = ErrorCode(
        "own_organisation",
        _(
            "You belong to the organisation of this record, so you may not decide it: "
            "another reviewer of the department decides it."
        ),
        403,
    )
    OUTSIDE_JURISDICTION = ErrorCode("outside_jurisdiction", _("This organisation is outside your jurisdiction."), 403)
    ROLE_NOT_ALLOWED = ErrorCode(
        "role_not_allowed", _("This role is only available in a government science department."), 400
    )
    ALREADY_MEMBER = ErrorCode("already_member", _("This person is already a member."), 409)
    INVITATION_INVALID = ErrorCode(
        "invitation_invalid", _("This invitation has expired, was used or does not exist."), 400
    )
    INVITATION_OTHER_EMAIL = ErrorCode(
        "invitation_other_email",
        _(
            "This invitation was sent to another e-mail address: log in with that address's account, or ask "
            "for an invitation to yours."
        ),
        403,
    )
    LAST_ADMIN = ErrorCode("last_admin", _("An organisation must keep at least one admin."), 409)
    USERNAME_TAKEN = ErrorCode("username_taken", _("This user name is taken."), 409)
    UPLOAD_TYPE = ErrorCode("upload_type", _("This file type is not accepted."), 400)
    UPLOAD_SIZE = ErrorCode("upload_size", _("The file is too large."), 400)
    JOB_NOT_CANCELLABLE = ErrorCode("job_not_cancellable", _("This job has already finished."), 409)
    EDITED_MEANWHILE = ErrorCode(
        "edited_meanwhile",
        _(
            "This record was changed in the meantime, in another window or by someone else. Your changes below "
            "were not saved: save again to replace the other changes, or reload the page to start from the "
            "current version."
        ),
        409,
    )


class DomainError(Exception):
    """A rule of the platform refused an action. Carries a stable code and a bilingual message."""

    def __init__(self, error: ErrorCode, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(error.code)
        self.error = error
        self.details = details or {}

    @property
    def code(self) -> str:
        return self.error.code

    @property
    def message(self) -> str:
        if self.error == Errors.INVALID_TRANSITION and self.details.get("state_label"):
            # A second tab, or someone else, acted first: say what the record is now.
            return gettext("This record is now “%(state)s”: this action is no longer possible.") % {
                "state": self.details["state_label"]
            }
        if self.error.value_message is not None and "value" in self.details:
            return str(self.error.value_message) % {"value": self.details["value"]}
        if self.error.named_message is not None and self.details.get("organisation"):
            return str(self.error.named_message) % {"organisation": self.details["organisation"]}
        return str(self.error.message)

    @property
    def said_details(self) -> list[str]:
        """The messages its details carry (each refused input's: {"comment": ["Say what must change."]}
        or {"fields": {...}}), in order."""
        named = self.details.get("fields")
        groups = named if isinstance(named, dict) else self.details
        return [str(m) for messages in groups.values() if isinstance(messages, list) for m in messages]

    @property
    def refusal(self) -> str:
        """The message for someone refused an action on a record they are looking at: "does not exist
        or you may not see it" (how services refuse what a user may not act on, telling nothing of
        the record) would be wrong there; they may not do this. A refused input says what its
        details say ("Say what must change."), not "Some fields are not valid.", which names no
        field on a page that shows the refusal above it."""
        if self.error == Errors.NOT_FOUND:
            return str(Errors.PERMISSION_DENIED.message)
        if self.error == Errors.VALIDATION and (said := self.said_details):
            return " ".join(said)
        return self.message  # e.g. "This record is now “Published”: …" when another window acted first

    @property
    def refusal_in_full(self) -> str:
        """`refusal` followed by what its details say (a rule's own message and, say, its reason)."""
        if self.error == Errors.VALIDATION:
            return self.refusal
        return " ".join([self.refusal, *self.said_details])

    @property
    def http_status(self) -> int:
        return self.error.http_status
