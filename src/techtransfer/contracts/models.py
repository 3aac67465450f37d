"""Technology contracts submitted for recognition and registration (技术合同认定登记), their parties,
amendments and cancellations, the registration-number counters, the historical turnover series,
subsidy rules and related-party flags."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from techtransfer.contracts.choices import (
    AmendmentKind,
    ContractStatus,
    ContractSubtype,
    ContractType,
    FlagKind,
    IPType,
    NatureCode,
    PartyRole,
    PlanCategory,
    TechField,
)
from techtransfer.core.models import Organisation, Region, User

LEGACY_WINDOW = re.compile(r", ≤ \d+ d\)$")


class Contract(models.Model):
    """A signed technology contract the seller organisation registers with the registration point
    (登记点) of its region.

    Drafted and submitted by members of `organisation` (the seller); registered or refused by the
    government reviewers whose jurisdiction covers the seller's region. `seller_region` and
    `buyer_region` copy the parties' regions so that statistics group without joins; the services keep
    them in step. `technology_amount` is derived by `amounts.technology_amount`. Registered figures may
    change only through `ContractAmendment` (history kept); statistics read the current figures.
    """

    Status = ContractStatus

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("registering organisation")
    )
    registration_point = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registered_contracts",
        verbose_name=_("registration office"),
    )
    status = models.CharField(_("status"), max_length=16, choices=ContractStatus.choices, default=ContractStatus.DRAFT)
    registration_number = models.CharField(_("registration number"), max_length=16, unique=True, null=True, blank=True)
    name = models.CharField(_("contract name"), max_length=200)
    contract_type = models.CharField(_("contract type"), max_length=16, choices=ContractType.choices)
    subtype = models.CharField(_("subtype"), max_length=24, choices=ContractSubtype.choices, blank=True)
    tech_field = models.CharField(_("technical field"), max_length=32, choices=TechField.choices)
    ip_type = models.CharField(_("IP type"), max_length=24, choices=IPType.choices, default=IPType.NONE)
    plan_category = models.CharField(
        _("programme category"), max_length=16, choices=PlanCategory.choices, default=PlanCategory.NONE
    )
    signed_on = models.DateField(_("signing date"))
    term_start = models.DateField(_("term from"))
    term_end = models.DateField(_("term until"))
    contract_amount = models.DecimalField(_("contract amount (yuan)"), max_digits=16, decimal_places=2)
    non_technical_costs = models.DecimalField(
        _("non-technical costs (yuan)"), default=Decimal(0), max_digits=16, decimal_places=2
    )
    carrier_costs = models.DecimalField(
        _("of which the cost of a reasonable quantity of goods supplied (yuan)"),
        default=Decimal(0),
        max_digits=16,
        decimal_places=2,
    )
    carrier_note = models.CharField(_("carrier justification"), max_length=500, blank=True)
    technology_amount = models.DecimalField(_("technology transaction amount (yuan)"), max_digits=16, decimal_places=2)
    summary = models.TextField(_("technical content"), max_length=4000, blank=True)
    seller_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("seller region"), null=True, blank=True
    )
    buyer_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("buyer region"), null=True, blank=True
    )
    file = models.FileField(_("signed contract (PDF)"), upload_to="contracts/%Y/", blank=True)
    # The path achievement → listing → deal → contract. `deal` is an agreed deal of the platform's
    # market; `deal_reference` names a deal made elsewhere (an offline negotiation, a matchmaking event).
    achievement = models.ForeignKey(
        "achievements.Achievement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contracts",
        verbose_name=_("achievement"),
    )
    deal = models.ForeignKey(
        "market.Deal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
        verbose_name=_("market deal"),
    )
    deal_reference = models.CharField(_("other deal reference"), max_length=64, blank=True)
    checklist = models.JSONField(_("recognition checklist"), default=dict, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=1000, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by"))
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        verbose_name = _("technology contract")
        verbose_name_plural = _("technology contracts")
        indexes: ClassVar = [
            models.Index(fields=["status", "registered_at"]),
            models.Index(fields=["status", "seller_region"]),
            models.Index(fields=["status", "buyer_region"]),
        ]
        constraints: ClassVar = [
            # A market deal is registered once: only a cancelled registration frees it for another.
            models.UniqueConstraint(
                fields=["deal"],
                condition=models.Q(deal__isnull=False) & ~models.Q(status=ContractStatus.CANCELLED),
                name="contract_one_active_per_deal",
            ),
        ]

    def __str__(self) -> str:
        return self.registration_number or self.name


class ContractParty(models.Model):
    """A party of a contract: seller, buyer or intermediary, as written in the contract.

    `organisation` links a party to a platform organisation when it has one; `controlling_organisation`
    and `legal_representative` feed the related-party checks.
    """

    Role = PartyRole

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role"), max_length=16, choices=PartyRole.choices)
    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region"))
    nature = models.CharField(
        _("entity type"), max_length=24, choices=NatureCode.choices, default=NatureCode.ENTERPRISE
    )
    country = models.CharField(_("country code (ISO 3166)"), max_length=3, default="CHN")
    legal_representative = models.CharField(_("legal representative"), max_length=64, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("organisation")
    )
    controlling_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("controlling organisation"),
    )

    class Meta:
        ordering: ClassVar = ["contract", "role", "pk"]
        verbose_name = _("contract party")
        verbose_name_plural = _("contract parties")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["contract", "role"], name="contracts_party_one_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name}"

    @property
    def identity(self) -> str:
        """Who the party is for the checks: the credit code, else the name."""
        return self.uscc or self.name.strip()


class ContractAmendment(models.Model):
    """One change to a registered contract (amendment of figures or cancellation), with its reason.

    Append-only: `before` and `after` hold the changed fields; the contract row holds the current
    values that statistics read.
    """

    Kind = AmendmentKind

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="amendments")
    kind = models.CharField(_("kind"), max_length=8, choices=AmendmentKind.choices)
    before = models.JSONField(_("before"), default=dict)
    after = models.JSONField(_("after"), default=dict)
    reason = models.CharField(_("reason"), max_length=1000)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["contract", "created_at", "pk"]
        verbose_name = _("contract amendment")
        verbose_name_plural = _("contract amendments")

    def __str__(self) -> str:
        return f"{self.contract} {self.get_kind_display()}"


class ContractCounter(models.Model):
    """The last serial used per registration point (its region code) and year; incremented under a
    row lock."""

    point_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["point_code", "year"], name="contracts_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.point_code}{self.year}:{self.last_serial}"


class ContractFlag(models.Model):
    """A related-party finding that the registration officials must examine before registering."""

    Kind = FlagKind

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(_("kind"), max_length=24, choices=FlagKind.choices)
    detail = models.CharField(_("detail"), max_length=500)
    related_contract = models.ForeignKey(
        Contract, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("related contract")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["contract", "kind", "pk"]
        verbose_name = _("related-party flag")
        verbose_name_plural = _("related-party flags")

    def __str__(self) -> str:
        return f"{self.contract}: {self.get_kind_display()}"

    @property
    def shown_detail(self) -> str:
        """The detail without the untranslated window (", ≤ 365 d") that flags written before the page
        said the days between the signings kept."""
        return LEGACY_WINDOW.sub(")", self.detail)


class HistoricalTurnover(models.Model):
    """Published technology-market turnover (技术市场成交额) from the statistical yearbooks.

    Loaded from `contracts/data/*.csv` by a data migration; `region_code` is the 6-digit province
    code, or empty for the sum of the 31 provinces. Read-only reference data, labelled with `source`.
    """

    region_code = models.CharField(_("region code"), max_length=6, blank=True)
    region_name = models.CharField(_("region"), max_length=32)
    year = models.PositiveSmallIntegerField(_("year"))
    turnover_10k = models.DecimalField(_("turnover (10,000 yuan)"), max_digits=18, decimal_places=4)
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        ordering: ClassVar = ["region_code", "year"]
        verbose_name = _("historical turnover")
        verbose_name_plural = _("historical turnover")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["region_code", "year"], name="contracts_history_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region_name} {self.year}"


class SubsidyRule(models.Model):
    """A subsidy scheme for registered contracts, with rates and caps per beneficiary role.

    Base: the technology transaction amount (技术交易额) of each registered contract. A beneficiary
    receives rate × base, at most the per-project cap, and the sum over one organisation and one
    registration year at most the per-unit-year cap. `province_code` (2 digits) says which parties
    count as local: the buyer must be local for the buyer share, the seller and the buyer for the
    seller share (when `seller_requires_local_buyer`), the intermediary for the agency share.
    """

    name = models.CharField(_("name"), max_length=200)
    province_code = models.CharField(_("province code (2 digits)"), max_length=2)
    year_from = models.PositiveSmallIntegerField(_("from year"))
    year_to = models.PositiveSmallIntegerField(_("until year"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    buyer_rate = models.DecimalField(_("buyer rate"), max_digits=6, decimal_places=4)
    buyer_project_cap = models.DecimalField(_("buyer cap per project (yuan)"), max_digits=16, decimal_places=2)
    buyer_unit_year_cap = models.DecimalField(_("buyer cap per unit and year (yuan)"), max_digits=16, decimal_places=2)
    seller_rate = models.DecimalField(_("seller rate"), max_digits=6, decimal_places=4)
    seller_project_cap = models.DecimalField(_("seller cap per project (yuan)"), max_digits=16, decimal_places=2)
    seller_unit_year_cap = models.DecimalField(
        _("seller cap per unit and year (yuan)"), max_digits=16, decimal_places=2
    )
    seller_requires_local_buyer = models.BooleanField(_("seller share only for sales to local buyers"), default=True)
    agency_rate = models.DecimalField(_("agency rate"), max_digits=6, decimal_places=4)
    agency_project_cap = models.DecimalField(_("agency cap per project (yuan)"), max_digits=16, decimal_places=2)
    agency_unit_year_cap = models.DecimalField(
        _("agency cap per unit and year (yuan)"), max_digits=16, decimal_places=2
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering: ClassVar = ["province_code", "-year_from"]
        verbose_name = _("subsidy rule")
        verbose_name_plural = _("subsidy rules")

    def __str__(self) -> str:
        return self.name
