from django.utils.translation import gettext_lazy as _

from techtransfer.core.errors import ErrorCode


class MatchErrors:
    SAME_ORGANISATION = ErrorCode("inquiry_same_org", _("An inquiry needs two different organisations."), 400)
    NOT_A_BROKER = ErrorCode(
        "inquiry_not_broker",
        _("This account is not a technology broker of a verified organisation."),
        400,
        # A market deal's broker is refused in the same words (`market.errors.MarketErrors.NOT_A_BROKER`).
        value_message=_("“%(value)s” is not the user name of a technology broker of a verified organisation."),
    )
    REASON_REQUIRED = ErrorCode("inquiry_reason_required", _("Give a reason for closing."), 400)
    FINISHED = ErrorCode("inquiry_finished", _("This inquiry is finished."), 409)
    NOT_RATABLE = ErrorCode(
        "broker_not_ratable", _("The broker can be rated once the inquiry is finished, by either side."), 409
    )
    BROKER_FINISHED = ErrorCode(
        "inquiry_broker_finished",
        _(
            "The inquiry is finished: its broker can no longer be changed "
            "(the rating goes to the broker who did the work)."
        ),
        409,
    )
    BROKER_OF_A_PARTY = ErrorCode(
        "inquiry_broker_of_a_party",
        _("The broker must not be a member of either organisation of the inquiry: choose an independent broker."),
        400,
        value_message=_("“%(value)s” is a member of either organisation of the inquiry: choose an independent broker."),
    )
    BROKER_OF_RATING_SIDE = ErrorCode(
        "broker_of_rating_side",
        _("The broker is a member of your organisation: your side cannot rate them."),
        409,
    )
    SCORE = ErrorCode("broker_rating_score", _("Give 1 to 5 stars."), 400)
    NO_TARGET = ErrorCode("inquiry_no_target", _("Choose a need, an achievement or an organisation."), 400)
    CONTRACT_REFERENCE = ErrorCode(
        "inquiry_contract_reference",
        # Not "leave it empty": recording the number of a signed inquiry's contract requires it (the status
        # form says it is optional there, in its help text).
        _(
            "A technology contract's registration number has 16 digits: the registration point's region "
            "code (6), the year (4) and a serial number (6)."
        ),
        400,
    )
    CONTRACT_REFERENCE_MISSING = ErrorCode(
        "inquiry_contract_reference_missing",
        _("Give the technology contract's 16-digit registration number."),
        400,
    )
    CONTRACT_NOT_SIGNED = ErrorCode(
        "inquiry_contract_not_signed",
        _("A contract registration number is recorded once the inquiry's status is “Contract signed”."),
        409,
    )
    CONTRACT_REFERENCE_RECORDED = ErrorCode(
        "inquiry_contract_reference_recorded",
        _(
            "This inquiry already names its contract's registration number; it is recorded once. A "
            "platform administrator can correct a wrong one."
        ),
        409,
    )
    CORRECTION_NOT_ALLOWED = ErrorCode(
        "inquiry_contract_reference_correction",
        _("Only a platform administrator corrects a recorded contract registration number."),
        403,
    )
    NOTHING_TO_CORRECT = ErrorCode(
        "inquiry_contract_reference_none",
        _("This inquiry names no contract registration number yet; record it instead of correcting it."),
        409,
    )
    CORRECTION_SAME = ErrorCode(
        "inquiry_contract_reference_same", _("This is the number already recorded; give the right one."), 400
    )
    CORRECTION_REASON = ErrorCode("inquiry_contract_reference_reason", _("Say why the number is corrected."), 400)
