"""Choices of the technology market: listing modes, deal, auction and deposit states."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from techtransfer.core.choices import ReviewStatus

# Listings share the review states of every registry.
ListingStatus = ReviewStatus


class ListingMode(models.TextChoices):
    ASSIGNMENT = "assignment", _("Assignment (转让)")
    EXCLUSIVE_LICENCE = "exclusive_licence", _("Exclusive licence (独占许可)")
    SOLE_LICENCE = "sole_licence", _("Sole licence (排他许可)")
    NON_EXCLUSIVE_LICENCE = "non_exclusive_licence", _("Non-exclusive licence (普通许可)")
    EQUITY = "equity", _("Equity investment (作价入股)")
    JOINT_DEVELOPMENT = "joint_development", _("Cooperative development (合作开发)")


class DealStatus(models.TextChoices):
    NEGOTIATING = "negotiating", _("Negotiating")
    AGREED = "agreed", _("Agreed")
    CANCELLED = "cancelled", _("Cancelled")


class DealSource(models.TextChoices):
    NEGOTIATION = "negotiation", _("Negotiation")
    AUCTION = "auction", _("Auction")


class AuctionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CLOSED = "closed", _("Closed with a winner")
    FAILED = "failed", _("Closed without a valid bid")
    CANCELLED = "cancelled", _("Cancelled")


class DepositStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("deposit status", "Pending")
    PAID = "paid", _("Paid")
    REFUNDED = "refunded", _("Refunded")
