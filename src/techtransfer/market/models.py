"""The technology market (网上常设技术市场): listings, watchlists, interests, deals and auctions."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techtransfer.market.choices import (
    AuctionStatus,
    DealSource,
    DealStatus,
    DepositStatus,
    ListingMode,
    ListingStatus,
)
from techtransfer.matchmaking.models import RatingOfABroker

POSITIVE = [MinValueValidator(Decimal("0"))]


class Listing(models.Model):
    """A published achievement (or a patent given by its numbers) offered for sale or licence (挂牌).

    Drafted by a member of `organisation`, submitted, reviewed by the government reviewers whose
    jurisdiction covers `region` (the shared review workflow), and open on the market while
    published and inside its listing period. Prices are in 10,000 yuan (万元); `price_max` empty
    means a single asking price `price_min`. Every change goes through `market.services`.
    """

    Status = ListingStatus
    Mode = ListingMode

    achievement = models.ForeignKey(
        "achievements.Achievement", on_delete=models.PROTECT, null=True, blank=True, related_name="listings",
        verbose_name=_("achievement"),
    )  # fmt: skip
    patent_numbers = models.CharField(
        _("patent numbers"), max_length=200, blank=True,
        help_text=_("Application or publication numbers, separated by commas, when no achievement is chosen."),
    )  # fmt: skip
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="listings", verbose_name=_("organisation")
    )
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(_("mode"), max_length=24, choices=ListingMode.choices)
    industry = models.CharField(_("industry"), max_length=32, blank=True, db_index=True)
    price_min = models.DecimalField(
        _("asking price from (10,000 yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=POSITIVE,
    )
    price_max = models.DecimalField(
        _("asking price to (10,000 yuan)"), max_digits=14, decimal_places=2, null=True, blank=True, validators=POSITIVE
    )
    price_negotiable = models.BooleanField(_("price negotiable"), default=True)
    listed_from = models.DateField(_("listed from"))
    listed_until = models.DateField(_("listed until"))
    status = models.CharField(
        _("status"), max_length=16, choices=ListingStatus.choices, default=ListingStatus.DRAFT, db_index=True
    )
    review_comment = models.TextField(_("last review comment"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering: ClassVar = ["-published_at", "-pk"]
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        indexes: ClassVar = [models.Index(fields=["status", "listed_until"]), models.Index(fields=["status", "mode"])]

    def __str__(self) -> str:
        return self.title


class ListingAttachment(models.Model):
    """A PDF or image supporting a listing (materials), checked by content on upload."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="market/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    mime = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Watch(models.Model):
    """A listing on a user's watchlist."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="market_watches")
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="watches")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["user", "listing"], name="market_watch_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.listing_id}"


class Interest(models.Model):
    """An expression of interest (意向) by a prospective buyer; the seller sees it and may open talks."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="interests")
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    message = models.TextField(_("message"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["listing", "organisation"], name="market_interest_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} → {self.listing_id}"


class Deal(models.Model):
    """A negotiated or auctioned deal between the listing's organisation (seller) and a buyer.

    Opened by the buyer while negotiating, agreed by the seller, cancellable by either side; an
    auction's winner becomes an agreed deal at close. Amount in 10,000 yuan. Every transition is
    audited (`market.services`). An admin of either side may name the technology broker who brokers
    it (`services.set_deal_broker`), who then sees it; once agreed, each side rates that broker
    (`DealBrokerRating`, ADR 0030 addendum).
    """

    Status = DealStatus

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="deals", verbose_name=_("listing"))
    buyer = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="market_purchases", verbose_name=_("buyer")
    )
    amount = models.DecimalField(_("amount (10,000 yuan)"), max_digits=14, decimal_places=2, validators=POSITIVE)
    status = models.CharField(
        _("status"), max_length=16, choices=DealStatus.choices, default=DealStatus.NEGOTIATING, db_index=True
    )
    source = models.CharField(_("source"), max_length=16, choices=DealSource.choices, default=DealSource.NEGOTIATION)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agreed_at = models.DateTimeField(_("agreed at"), null=True, blank=True)
    broker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="brokered_deals",
        verbose_name=_("technology broker"),
    )  # fmt: skip
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        verbose_name = _("deal")
        verbose_name_plural = _("deals")

    def __str__(self) -> str:
        return f"{self.listing} · {self.buyer}"


class DealBrokerRating(RatingOfABroker):
    """One side's rating of the broker of an agreed deal, as `matchmaking.BrokerRating` is of an
    inquiry's: one per deal and side (the seller's or the buyer's organisation); a second rating by
    the same side replaces the first (audited on the deal, `services.rate_deal_broker`). The brokers
    page counts both kinds (ADR 0030 addendum)."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="broker_ratings")
    broker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deal_broker_ratings")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["deal", "organisation"], name="one_deal_broker_rating_per_side"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="deal_broker_rating_score_1_5"),
        ]
        verbose_name = _("broker rating")
        verbose_name_plural = _("broker ratings")


class AuctionSession(models.Model):
    """A bidding session (竞价/拍卖) on a published listing, run by the listing's organisation.

    Bids are accepted between `starts_at` and `ends_at` from organisations whose deposit the organiser
    recorded as paid. The first bid must reach `reserve_price`, each later one must beat the best by
    at least `min_increment`. A bid within the last `extension_window_minutes` moves `ends_at` to
    `extension_minutes` after the bid (anti-sniping). The best bid is kept on this row, which
    `services.place_bid` locks, so concurrent bids are judged one after the other.
    """

    Status = AuctionStatus

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="auctions", verbose_name=_("listing"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reserve_price = models.DecimalField(
        _("reserve price (10,000 yuan)"), max_digits=14, decimal_places=2, validators=POSITIVE
    )
    min_increment = models.DecimalField(
        _("minimum increment (10,000 yuan)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), help_text=_("Moves later when a bid arrives in the last minutes."))
    scheduled_end = models.DateTimeField(_("scheduled end"))
    extension_window_minutes = models.PositiveSmallIntegerField(_("extension window (minutes)"), default=5)
    extension_minutes = models.PositiveSmallIntegerField(_("extension (minutes)"), default=5)
    status = models.CharField(
        _("status"), max_length=16, choices=AuctionStatus.choices, default=AuctionStatus.SCHEDULED, db_index=True
    )
    best_amount = models.DecimalField(_("best bid"), max_digits=14, decimal_places=2, null=True, blank=True)
    best_bid = models.ForeignKey("Bid", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    bid_count = models.PositiveIntegerField(default=0)
    deal = models.OneToOneField(Deal, on_delete=models.PROTECT, null=True, blank=True, related_name="auction")
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-starts_at", "-pk"]
        verbose_name = _("auction")
        verbose_name_plural = _("auctions")

    def __str__(self) -> str:
        return f"{self.listing} @ {self.starts_at:%Y-%m-%d %H:%M}"

    def minimum_next_bid(self) -> Decimal:
        if self.best_amount is None:
            return self.reserve_price
        return self.best_amount + self.min_increment

    @property
    def phase_label(self) -> str:
        """What a scheduled session is doing now (its status, "scheduled", read 待开始 while bidding
        was open); closed and failed sessions say their status."""
        if self.status != AuctionStatus.SCHEDULED:
            return str(self.get_status_display())  # type: ignore[attr-defined]
        now = timezone.now()
        if now < self.starts_at:
            return str(_("Not started"))
        return str(_("Bidding open")) if now < self.ends_at else str(_("Ended, closing"))


class BidderDeposit(models.Model):
    """The deposit status of one bidding organisation in one session, recorded by the organiser."""

    session = models.ForeignKey(AuctionSession, on_delete=models.CASCADE, related_name="deposits")
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("deposit"), max_length=16, choices=DepositStatus.choices, default=DepositStatus.PENDING)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["session", "organisation"], name="market_deposit_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.status}"


class Bid(models.Model):
    """One accepted bid; `sequence` is its order within the session (1, 2, …), unique."""

    session = models.ForeignKey(AuctionSession, on_delete=models.CASCADE, related_name="bids")
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount (10,000 yuan)"), max_digits=14, decimal_places=2)
    sequence = models.PositiveIntegerField()
    placed_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar = ["-sequence"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["session", "sequence"], name="market_bid_sequence_unique"),
            models.UniqueConstraint(fields=["session", "amount"], name="market_bid_amount_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}#{self.sequence}: {self.amount}"
