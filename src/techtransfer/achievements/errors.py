"""Error codes of the achievements registry (stable, bilingual)."""

from django.utils.translation import gettext_lazy as _

from techtransfer.core.errors import ErrorCode


class AchievementErrors:
    CLASSIFIED = ErrorCode(
        "classified_refused",
        _("Classified results cannot be registered on this platform. Register them through the secrecy channel."),
        400,
    )
    ORG_NOT_VERIFIED = ErrorCode(
        "organisation_not_verified",
        _("Your organisation must be verified before it submits achievements."),
        409,
        named_message=_("%(organisation)s must be verified before it submits achievements."),
    )
    NO_REVIEWER = ErrorCode("no_reviewer", _("No verified government science department reviews this region yet."), 409)
    NOT_EDITABLE = ErrorCode("not_editable", _("This record cannot be edited in its current state."), 409)
    REVISION_PENDING = ErrorCode("revision_pending", _("A change to this record is already waiting for review."), 409)
    TOO_MANY_ATTACHMENTS = ErrorCode("too_many_attachments", _("At most 10 attachments per record."), 409)
    NOTHING_CHANGED = ErrorCode("nothing_changed", _("Nothing was changed."), 400)
    EXPORT_NOT_ALLOWED = ErrorCode(
        "export_not_allowed",
        _(
            "You may export an organisation's records only as its member, or as a government department "
            "whose jurisdiction includes it."
        ),
        403,
    )
    SERIALS_EXHAUSTED = ErrorCode(
        "serials_exhausted", _("All 9,999 registration numbers of this year and type are used."), 409
    )
