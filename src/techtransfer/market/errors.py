"""Stable error codes of the technology market."""

from django.utils.translation import gettext_lazy as _

from techtransfer.core.errors import ErrorCode


class MarketErrors:
    ACHIEVEMENT_NOT_PUBLISHED = ErrorCode(
        "listing_achievement_not_published", _("Only a published achievement can be listed."), 400
    )
    ACHIEVEMENT_NOT_MANAGED = ErrorCode(
        "listing_achievement_not_managed",
        _(
            "Only your organisation's admins can put its achievements on the market. Ask one of them, or list"
            " the patents by their numbers."
        ),
        403,
    )
    SUBJECT_MISSING = ErrorCode(
        "listing_subject_missing", _("Choose a published achievement or give the patent numbers."), 400
    )
    PRICE_RANGE = ErrorCode("listing_price_range", _("The lowest asking price must not exceed the highest."), 400)
    PERIOD = ErrorCode("listing_period", _("The listing must end on or after the day it starts."), 400)
    ORGANISATION_NOT_VERIFIED = ErrorCode(
        "organisation_not_verified",
        _("Your organisation must be verified before it can list or trade."),
        409,
        named_message=_("%(organisation)s must be verified before it can list or trade."),
    )
    NOT_EDITABLE = ErrorCode("listing_not_editable", _("Only a draft or returned listing can be changed."), 409)
    NOT_PUBLISHED = ErrorCode("listing_not_published", _("This listing is not open on the market."), 409)
    OWN_LISTING = ErrorCode("own_listing", _("Your organisation cannot buy its own listing."), 409)
    TOO_MANY_ATTACHMENTS = ErrorCode("listing_too_many_attachments", _("A listing has at most 10 files."), 400)
    AMOUNT = ErrorCode("deal_amount", _("The amount must be greater than zero."), 400)
    AUCTION_TIMES = ErrorCode("auction_times", _("The auction must end after it starts."), 400)
    AUCTION_PAST = ErrorCode("auction_past", _("The auction must end in the future."), 400)
    SOLD = ErrorCode(
        "listing_sold",
        _(
            "This listing is an assignment, an exclusive licence or a sole licence and already has an "
            "agreed deal: it cannot be sold again."
        ),
        409,
    )
    DEPOSIT_HELD = ErrorCode(
        "deposit_held",
        _("This bidder's bids stand in the auction: its deposit can be refunded once the auction is closed."),
        409,
    )
    AUCTION_NOT_OPEN = ErrorCode("auction_not_open", _("This auction is not accepting bids now."), 409)
    AUCTION_NOT_ENDED = ErrorCode("auction_not_ended", _("This auction has not reached its end time."), 409)
    AUCTION_RUNNING = ErrorCode("auction_running", _("This listing already has an auction that is not closed."), 409)
    UNDER_AUCTION = ErrorCode(
        "listing_under_auction",
        _(
            "An auction on this listing is scheduled or running: no negotiated deal can be opened or agreed "
            "on it until the auction is closed."
        ),
        409,
    )
    AUCTION_LISTING_SOLD = ErrorCode(
        "auction_listing_sold",
        _(
            "This listing was sold by a negotiated deal while the auction was scheduled: the auction takes "
            "no bids and closes without a winner."
        ),
        409,
    )
    DEPOSIT_NOT_PAID = ErrorCode(
        "deposit_not_paid", _("The organiser has not recorded your organisation's deposit as paid."), 409
    )
    BID_TOO_LOW = ErrorCode("bid_too_low", _("The bid is below the minimum acceptable amount."), 409)
    ALREADY_LEADING = ErrorCode(
        "bid_already_leading",
        _("Your organisation's bid already leads this auction: it cannot bid against itself."),
        409,
    )
    NOT_A_BROKER = ErrorCode(
        "deal_not_broker",
        _("This account is not a technology broker of a verified organisation."),
        400,
        value_message=_("“%(value)s” is not the user name of a technology broker of a verified organisation."),
    )
    BROKER_OF_A_PARTY = ErrorCode(
        "deal_broker_of_a_party",
        _("The broker must not be a member of the seller or the buyer: choose an independent broker."),
        400,
        value_message=_("“%(value)s” is a member of the seller or the buyer: choose an independent broker."),
    )
    BROKER_FIXED = ErrorCode(
        "deal_broker_fixed",
        _(
            "The broker of an agreed or cancelled deal can no longer be changed (the rating goes to the broker "
            "who did the work); an agreed deal without a broker may still name one."
        ),
        409,
    )
    BROKER_NOT_RATABLE = ErrorCode(
        "broker_not_ratable",
        _("The broker can be rated once the deal is agreed, by the seller and by the buyer."),
        409,
    )
