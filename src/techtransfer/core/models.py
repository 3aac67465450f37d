"""Regions, people, organisations and memberships: the things every other app refers to."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from techtransfer.core.choices import OrganisationStatus, OrganisationType, RegionLevel, Role

# GB/T 2260's pseudo-cities that group a province's or municipality's districts or directly governed
# counties (北京市 110100 "市辖区", 重庆市 500200 "县", 海南省 469000): no place of their own.
GROUPING_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


class Region(models.Model):
    """A GB/T 2260 administrative division (province, city or county).

    Loaded from the shipped data file by `techtransfer load_regions`; never edited by users. The
    6-digit code carries the hierarchy: `36` province, `3601` city, `360102` county.
    """

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=8, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )

    class Meta:
        ordering: ClassVar = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    @property
    def name_en(self) -> str:
        """The name's English reading (江西省 → Jiangxi Province), shown beside it on English pages."""
        from techtransfer.core.region_names import english

        return english(self.name)

    @property
    def prefix(self) -> str:
        """The code prefix shared by this region and everything inside it."""
        if self.level == RegionLevel.PROVINCE:
            return self.code[:2]
        if self.level == RegionLevel.CITY:
            return self.code[:4]
        return self.code

    def contains(self, other: Region) -> bool:
        return other.code.startswith(self.prefix)

    def lineage(self) -> list[Region]:
        """This region and those containing it, nearest first (a county, its city, the province)."""
        chain: list[Region] = []
        node: Region | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    @property
    def full_name(self) -> str:
        above = [r.name for r in self.lineage()[1:] if r.name not in GROUPING_NAMES]
        return "".join(reversed([self.name, *above]))

    @property
    def full_name_en(self) -> str:
        """`full_name` read in English, nearest first: Nanchang County, Nanchang City, Jiangxi Province."""
        return ", ".join(r.name_en for r in self.lineage() if r is self or r.name not in GROUPING_NAMES)


class User(AbstractUser):
    """A person. Belongs to organisations through `Membership`; platform admins are `is_staff`."""

    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_demo = models.BooleanField(_("demo account"), default=False)
    # The language the person reads the site in (the last one chosen; "" until then): notifications
    # and e-mails are written in it, whoever's action sent them.
    language = models.CharField(_("language"), max_length=16, blank=True, default="")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def reading_language(self) -> str:
        """The language to write to this person in: the one chosen last, else the platform's."""
        return self.language or settings.LANGUAGE_CODE

    @property
    def is_platform_admin(self) -> bool:
        return bool(self.is_active and (self.is_staff or self.is_superuser))


class Organisation(models.Model):
    """A university, institute, enterprise, agency, government department or other body.

    Created by self-service registration in status `registered`; a government reviewer whose
    jurisdiction covers `region` verifies or suspends it through `services`.
    """

    Type = OrganisationType
    Status = OrganisationStatus

    name = models.CharField(_("name"), max_length=128)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    type = models.CharField(_("organisation type"), max_length=24, choices=OrganisationType.choices)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("region"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=OrganisationStatus.choices, default=OrganisationStatus.REGISTERED
    )
    status_reason = models.CharField(_("reason for the status"), max_length=500, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("verified by")
    )
    is_demo = models.BooleanField(_("demo organisation"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering: ClassVar = ["name", "pk"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes: ClassVar = [models.Index(fields=["status", "region"]), models.Index(fields=["type"])]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's role in an organisation. Government roles exist only in government departments."""

    Role = Role

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["organisation__name", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "organisation"], name="core_membership_user_org_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"


class Invitation(models.Model):
    """An invitation to join an organisation. Only the SHA-256 of the token is stored."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("organisation")
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("invited by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("accepted by")
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"


class SentForm(models.Model):
    """A create form that made a record (`core.once`): sent again with the same content (a
    double-click, a retry after a timeout, Back and send), it opens that record instead of making a
    second one. Forgotten after `once.KEEP`."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)  # SHA-256 of what was sent: another content is another record
    object_label = models.CharField(max_length=100)  # "needs.need"
    object_id = models.PositiveBigIntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "object_label", "digest"], name="core_sentform_once_per_form"),
        ]

    def __str__(self) -> str:
        return f"{self.object_label}:{self.object_id}"
