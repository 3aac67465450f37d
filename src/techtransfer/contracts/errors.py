"""Error codes of contract registration (stable, bilingual)."""

from django.utils.translation import gettext_lazy as _

from techtransfer.core.errors import ErrorCode


class ContractErrors:
    ORG_NOT_VERIFIED = ErrorCode(
        "contract_org_not_verified",
        _("Your organisation must be verified before it registers contracts."),
        409,
        named_message=_("%(organisation)s must be verified before it registers contracts."),
    )
    NO_REGISTRATION_POINT = ErrorCode(
        "no_registration_point",
        _("No verified government science department registers contracts for this region."),
        409,
    )
    NOT_EDITABLE = ErrorCode("contract_not_editable", _("This contract cannot be edited in its current state."), 409)
    AMOUNTS = ErrorCode("contract_amounts", _("The amounts are not consistent."), 400)
    SUBTYPE = ErrorCode("contract_subtype", _("This subtype does not belong to the contract type."), 400)
    SELLER_IS_ORGANISATION = ErrorCode(
        "contract_seller_is_organisation",
        _(
            "The seller is the registering organisation: its name, credit code and region are the ones it "
            "registered with and cannot be changed here."
        ),
        400,
    )
    PARTIES = ErrorCode("contract_parties", _("A contract needs a seller and a buyer with complete data."), 400)
    COUNTRY_UNKNOWN = ErrorCode(
        "contract_country_unknown", _("Enter a country's three-letter ISO 3166 code, e.g. CHN or DEU."), 400
    )
    FILE_MISSING = ErrorCode("contract_file_missing", _("Attach the signed contract (PDF) before submitting."), 400)
    CHECKLIST = ErrorCode(
        "contract_checklist", _("Every recognition condition must be confirmed before registering."), 400
    )
    REASON_REQUIRED = ErrorCode("contract_reason_required", _("Give a reason."), 400)
    SERIALS_EXHAUSTED = ErrorCode(
        "contract_serials_exhausted", _("All 999,999 registration numbers of this point and year are used."), 409
    )
    ACHIEVEMENT = ErrorCode(
        "contract_achievement", _("The achievement must be a registered record of the seller organisation."), 400
    )
    DEAL = ErrorCode(
        "contract_deal", _("The deal must be an agreed market deal on a listing of the seller organisation."), 400
    )
    DEAL_TAKEN = ErrorCode(
        "contract_deal_taken", _("This deal is already linked to another contract that is not cancelled."), 409
    )
    DEAL_HAS_CONTRACT = ErrorCode(
        "deal_has_contract",
        _(
            "A technology contract carrying out this deal is in registration or registered; it must be refused or "
            "cancelled first."
        ),
        409,
    )
    DEAL_NOT_AGREED = ErrorCode(
        "contract_deal_not_agreed", _("The linked market deal was cancelled; remove it before submitting."), 409
    )
    AMOUNT_DIFFERS = ErrorCode(
        "contract_amount_differs",
        _(
            "The contract amount differs from the amount agreed in the linked deal (10,000 yuan converted to "
            "yuan): check the unit, or confirm that the amount is right."
        ),
        409,
    )
    AMOUNT_UNUSUAL = ErrorCode(
        "contract_amount_unusual",
        _(
            "The contract amount is unusual for a technology contract (less than 1,000 yuan, or 100 million yuan "
            "or more): check the unit and the digits, or confirm that the amount is right."
        ),
        409,
    )
    DATES = ErrorCode("contract_dates", _("The term must end on or after it starts."), 400)
    SIGNED_IN_FUTURE = ErrorCode("contract_signed_in_future", _("The signing date cannot be later than today."), 400)
    TERM_BEFORE_SIGNING = ErrorCode(
        "contract_term_before_signing", _("The term cannot start before the contract is signed."), 400
    )


# Said at each recognition condition a registration leaves unconfirmed, after `CHECKLIST`: at the
# page's checkbox, and in the API's 422 under `checklist.<condition>`.
UNCONFIRMED_CONDITION = _("Confirm this condition to register the contract.")
