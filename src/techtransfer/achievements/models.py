"""The achievements registry: records (科技成果), their contributors, IP items, attachments,
registration-number counters, review routes and pending revisions of published records."""

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements.choices import (
    AchievementKind,
    AchievementStatus,
    EmbodimentForm,
    EmergingIndustry,
    EvaluationLevel,
    FundingSource,
    InnovationAttribute,
    IPKind,
    PlanIndustry,
    SecrecyLevel,
    Stage,
    TransferMode,
)
from techtransfer.search.classifier import discipline_name

gbt4754_validator = RegexValidator(
    r"^[A-T](\d{2}(\d{1,2})?)?$", _("A GB/T 4754-2017 code: a section letter A–T, optionally with 2–4 digits.")
)


class Achievement(models.Model):
    """One registered S&T achievement, following the national 科技成果登记表.

    Drafted by a member of `organisation`, confirmed by its org admin, reviewed along the review
    route of its region, and published with a 12-digit registration number by
    `services.approve_achievement`. Every change goes through `services`; published records are
    edited through `AchievementRevision` so that the public version stays until the change is approved.
    """

    Status = AchievementStatus
    Kind = AchievementKind

    kind = models.CharField(
        _("achievement type"), max_length=8, choices=AchievementKind.choices, default=AchievementKind.APPLIED
    )
    name = models.CharField(_("achievement name"), max_length=200)
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="achievements", verbose_name=_("organisation")
    )
    region = models.ForeignKey(
        "core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"),
        help_text=_("Taken from the organisation; decides who reviews."),
    )  # fmt: skip
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recommending_unit = models.CharField(_("recommending organisation"), max_length=200, blank=True)
    research_start = models.DateField(_("research start (year-month)"), null=True, blank=True)
    research_end = models.DateField(_("research end (year-month)"), null=True, blank=True)
    secrecy = models.CharField(
        _("secrecy level"), max_length=10, choices=SecrecyLevel.choices, default=SecrecyLevel.PUBLIC
    )
    attribute = models.CharField(
        _("type of innovation"),
        max_length=10,
        choices=InnovationAttribute.choices,
        default=InnovationAttribute.ORIGINAL,
    )
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    embodiment = models.CharField(
        _("form of the results"), max_length=12, choices=EmbodimentForm.choices, default=EmbodimentForm.NEW_TECHNOLOGY
    )
    evaluation_level = models.CharField(
        _("evaluation level"), max_length=16, choices=EvaluationLevel.choices, default=EvaluationLevel.NOT_EVALUATED
    )
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices, default=Stage.EARLY)
    trl = models.PositiveSmallIntegerField(
        _("technology readiness level (TRL)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    discipline = models.CharField(_("discipline"), max_length=32, blank=True, db_index=True)
    discipline_category = models.CharField(_("discipline category"), max_length=16, blank=True)
    plan_industry = models.CharField(
        _("industry (action plan)"), max_length=16, choices=PlanIndustry.choices, blank=True
    )
    emerging_industry = models.CharField(
        _("strategic emerging industry (2018)"), max_length=2, choices=EmergingIndustry.choices, blank=True
    )
    sector_code = models.CharField(
        _("GB/T 4754-2017 sector code"), max_length=5, blank=True, validators=[gbt4754_validator]
    )
    funding_source = models.CharField(
        _("funding source"), max_length=16, choices=FundingSource.choices, default=FundingSource.NONE
    )
    funding_programme = models.CharField(_("funding programme"), max_length=200, blank=True)
    funding_project_number = models.CharField(_("project number"), max_length=64, blank=True)
    transfer_modes = models.JSONField(_("intended transfer modes"), default=list, blank=True)
    price = models.DecimalField(
        _("price (10,000 yuan)"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    price_negotiable = models.BooleanField(_("price negotiable"), default=True)
    abstract = models.TextField(_("abstract"), max_length=2000)
    contact_name = models.CharField(_("contact person"), max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    status = models.CharField(
        _("status"), max_length=24, choices=AchievementStatus.choices, default=AchievementStatus.DRAFT, db_index=True
    )
    holder_region = models.ForeignKey(
        "core.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("reviewing level"), help_text=_("The region whose science department holds the record now."),
    )  # fmt: skip
    review_comment = models.TextField(_("last review comment"), blank=True)
    registration_number = models.CharField(_("registration number"), max_length=12, unique=True, null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    renewal_reminded_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True, help_text=_("Attribution of imported records."))
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering: ClassVar = ["-published_at", "-pk"]
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        indexes: ClassVar = [
            models.Index(fields=["status", "region"]),
            models.Index(fields=["status", "plan_industry"]),
            models.Index(fields=["status", "stage"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def discipline_label(self) -> str:
        """The discipline in the user's language (its English name in English; the value is Chinese)."""
        return discipline_name(self.discipline) or self.discipline

    @property
    def transfer_mode_labels(self) -> list[str]:
        labels = dict(TransferMode.choices)
        return [str(labels.get(m, m)) for m in self.transfer_modes or []]


class Contributor(models.Model):
    """A completing organisation or person, in order, with their contribution."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation")
        PERSON = "person", _("Person")

    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="contributors")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=200)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    contribution = models.CharField(_("contribution"), max_length=500, blank=True)

    class Meta:
        ordering: ClassVar = ["kind", "position"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["achievement", "kind", "position"], name="ach_contributor_position_unique")
        ]

    def __str__(self) -> str:
        return self.name


class IPItem(models.Model):
    """A patent, software copyright, standard or plant variety attached to an achievement.

    Application and publication numbers are kept as text (they carry letters, dots and check digits).
    """

    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="ip_items")
    kind = models.CharField(_("IP type"), max_length=20, choices=IPKind.choices)
    title = models.CharField(_("title"), max_length=300, blank=True)
    application_number = models.CharField(_("application number"), max_length=64, blank=True)
    publication_number = models.CharField(_("publication / registration number"), max_length=64, blank=True)

    class Meta:
        ordering: ClassVar = ["pk"]

    def __str__(self) -> str:
        return self.application_number or self.publication_number or self.title


class Attachment(models.Model):
    """A PDF or image attached to an achievement, checked by content on upload."""

    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="achievements/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    mime = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class RegistrationCounter(models.Model):
    """The last serial used per registering body, year and type; incremented under a row lock."""

    body_code = models.CharField(max_length=3)
    year = models.PositiveSmallIntegerField()
    type_digit = models.CharField(max_length=1)
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["body_code", "year", "type_digit"], name="ach_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.body_code}{self.year}{self.type_digit}:{self.last_serial}"


class ReviewRoute(models.Model):
    """Which government levels review records from a region, lowest first (configurable per region).

    The most specific route wins (county, then city, then province). Levels without a verified
    government department are skipped. Without any route the province reviews alone.
    """

    class Level(models.TextChoices):
        COUNTY = "county", _("County")
        CITY = "city", _("City")
        PROVINCE = "province", _("Province")

    region = models.OneToOneField("core.Region", on_delete=models.CASCADE, related_name="+", verbose_name=_("region"))
    levels = models.JSONField(_("levels, lowest first"), default=list)
    body_code = models.CharField(
        _("registering body code"), max_length=3, blank=True,
        help_text=_("3-digit code used in registration numbers; defaults to the first 3 digits of the region code."),
    )  # fmt: skip

    def __str__(self) -> str:
        return f"{self.region}: {' → '.join(self.levels)}"


class AchievementRevision(models.Model):
    """Proposed changes to a published achievement, reviewed before they replace the public version."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="revisions")
    changes = models.JSONField(_("changed fields"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering: ClassVar = ["-submitted_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["achievement"], condition=models.Q(status="pending"), name="ach_one_pending_revision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.achievement} ({self.get_status_display()})"


# =====================================================================================================
# Service-invention disclosures (职务科技成果披露) and funded-project reports (成果汇交).
# Services: disclosures.py, reports.py; access: disclosure_access.py.
# =====================================================================================================


class DisclosureStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the transfer office")
    UNDER_ASSESSMENT = "under_assessment", _("Under assessment")
    RETURNED = "returned", _("Returned for changes")
    DECIDED = "decided", _("Decided")


class DisclosureDecision(models.TextChoices):
    KEEP_KNOW_HOW = "keep_know_how", _("Keep as know-how (technical secret)")
    FILE_PATENT = "file_patent", _("File a patent application")
    PUBLISH = "publish", _("Publish (open the results)")
    ASSIGN_TO_INVENTORS = "assign_to_inventors", _("Assign rights to the inventors (ownership-reform pilot)")


class DisclosureVisibility(models.TextChoices):
    """A ladder: each level adds readers to the one before it."""

    PRIVATE = "private", _("Private to the organisation")
    GOVERNMENT = "government", _("Visible to the government science departments")
    PUBLIC_SUMMARY = "public_summary", _("Public summary only")
    PUBLIC = "public", _("Fully public")


class Disclosure(models.Model):
    """A service invention disclosed by a researcher to their organisation's transfer office.

    Only universities, research institutes and hospitals take disclosures. The discloser drafts and
    submits; the transfer office (the organisation's admins) assesses, returns it for changes or
    decides what happens to the invention, with reasons. `visibility` widens the readership step by
    step (see `disclosure_access`). `disclosures.convert_to_achievement` turns a decided disclosure
    into an achievement draft once; `achievement` links to it. Every change goes through `disclosures`.
    """

    Status = DisclosureStatus
    Decision = DisclosureDecision
    Visibility = DisclosureVisibility

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="disclosures", verbose_name=_("organisation")
    )
    discloser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("discloser")
    )
    title = models.CharField(_("title of the invention"), max_length=200)
    # [{"name": str, "share": "60.00", "affiliation": str}, ...] in order; shares are decimal text, sum 100.
    inventors = models.JSONField(_("inventors"), default=list)
    technical_field = models.CharField(_("technical field"), max_length=100)
    problem = models.TextField(_("problem solved"), max_length=4000)
    solution = models.TextField(_("technical solution"), max_length=8000)
    advantages = models.TextField(_("advantages"), max_length=4000, blank=True)
    prior_art = models.TextField(_("prior art"), max_length=4000, blank=True)
    commercial_potential = models.TextField(_("commercial potential"), max_length=4000, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=DisclosureStatus.choices, default=DisclosureStatus.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    return_comment = models.TextField(_("what must change"), blank=True)
    assessment_notes = models.TextField(
        _("internal assessment notes"), blank=True, help_text=_("Seen only by the transfer office.")
    )
    decision = models.CharField(_("decision"), max_length=24, choices=DisclosureDecision.choices, blank=True)
    decision_reasons = models.TextField(_("reasons for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=DisclosureVisibility.choices, default=DisclosureVisibility.PRIVATE
    )
    public_summary = models.TextField(_("public summary"), max_length=1000, blank=True)
    achievement = models.OneToOneField(
        Achievement, on_delete=models.SET_NULL, null=True, blank=True, related_name="disclosure",
        verbose_name=_("registry record"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering: ClassVar = ["-updated_at", "-pk"]
        verbose_name = _("invention disclosure")
        verbose_name_plural = _("invention disclosures")
        indexes: ClassVar = [models.Index(fields=["organisation", "status"]), models.Index(fields=["visibility"])]

    def __str__(self) -> str:
        return self.title

    @property
    def description(self) -> str:
        """Problem, solution and advantages as one text (the abstract of the registry record)."""
        return "\n\n".join(p for p in (self.problem, self.solution, self.advantages) if p.strip())


class FundingProgramme(models.Model):
    """A funding programme (科技计划) of a government science department whose projects must report results.

    Managed by the officials and admins of `department`. A project's report is due
    `report_due_days` after the project ends unless the project says otherwise.
    """

    name = models.CharField(_("programme name"), max_length=200)
    department = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="funding_programmes",
        verbose_name=_("owner department"),
    )  # fmt: skip
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    report_due_days = models.PositiveSmallIntegerField(
        _("report due (days after the project ends)"), default=90, validators=[MaxValueValidator(730)]
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-year", "name", "pk"]
        verbose_name = _("funding programme")
        verbose_name_plural = _("funding programmes")

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class FundedProject(models.Model):
    """A project funded by a programme, whose owner organisation must file an achievement report.

    Its state (pending, filed, overdue) is derived: filed once a report exists, overdue when the day
    after `report_due` has begun without one (see `reports.with_report_state`).
    """

    programme = models.ForeignKey(
        FundingProgramme, on_delete=models.CASCADE, related_name="projects", verbose_name=_("programme")
    )
    number = models.CharField(_("project number"), max_length=64)
    title = models.CharField(_("project title"), max_length=200)
    owner = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="funded_projects",
        verbose_name=_("owner organisation"),
    )  # fmt: skip
    principal_investigator = models.CharField(_("principal investigator"), max_length=64)
    end_date = models.DateField(_("end date"))
    report_due = models.DateField(_("report due"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["report_due", "pk"]
        verbose_name = _("funded project")
        verbose_name_plural = _("funded projects")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["programme", "number"], name="ach_project_number_unique")
        ]
        indexes: ClassVar = [models.Index(fields=["programme", "report_due"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ProjectReport(models.Model):
    """An achievement report (成果汇交) filed for a funded project, optionally naming a registry record."""

    project = models.ForeignKey(FundedProject, on_delete=models.CASCADE, related_name="reports")
    achievement = models.ForeignKey(
        Achievement, on_delete=models.SET_NULL, null=True, blank=True, related_name="project_reports",
        verbose_name=_("registry record"),
    )  # fmt: skip
    summary = models.TextField(_("summary of the results"), max_length=4000)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-filed_at", "-pk"]
        verbose_name = _("project report")
        verbose_name_plural = _("project reports")

    def __str__(self) -> str:
        return f"{self.project} @ {self.filed_at:%Y-%m-%d}"


class ReportReminder(models.Model):
    """One reminder about an overdue report; the unique (project, day) pair limits them to one a day."""

    project = models.ForeignKey(FundedProject, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField(_("sent on"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recipients = models.JSONField(_("recipients"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-sent_on", "-pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["project", "sent_on"], name="ach_one_reminder_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.sent_on}"


# --- catalogues (成果目录) ------------------------------------------------------------------------
# Published lists of achievements compiled by a government science department, such as
# "2026 先进适用科技成果目录 · 新材料". Services: catalogues.py; who sees what: catalogue_access.py.


class Catalogue(models.Model):
    """A catalogue of published achievements compiled by a government science department (`owner`).

    Built from filters over published records plus manual curation while in `draft`; frozen once
    `published` (withdraw and reopen it to change it). A `military_to_civilian` catalogue (军转民推广目录)
    is seen only by the owner department, platform admins and members of the verified organisations
    it admits (`CatalogueAccess`). Every change goes through `catalogues.py` and writes an audit event.
    """

    class Kind(models.TextChoices):
        ADVANCED_APPLICABLE = "advanced_applicable", _("Advanced applicable technologies (先进适用科技成果)")
        MILITARY_TO_CIVILIAN = "military_to_civilian", _("Military-to-civilian promotion (军转民推广目录)")
        OTHER = "other", _("Other catalogue")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, default=Kind.ADVANCED_APPLICABLE)
    owner = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="catalogues",
        verbose_name=_("compiled by"), help_text=_("A government science department."),
    )  # fmt: skip
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("description"), max_length=4000, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    criteria = models.JSONField(
        _("filter criteria"), default=list, blank=True,
        help_text=_("The filters used to add entries, in order, each with the number of records it added."),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering: ClassVar = ["-year", "-published_at", "-pk"]
        verbose_name = _("catalogue")
        verbose_name_plural = _("catalogues")
        indexes: ClassVar = [models.Index(fields=["status", "kind"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_restricted(self) -> bool:
        return self.kind == self.Kind.MILITARY_TO_CIVILIAN


class CatalogueEntry(models.Model):
    """One achievement in a catalogue, at `position` (1, 2, 3 … without gaps), with an editorial note.

    Only published, public achievements are added. A record withdrawn or expired later stays in the
    catalogue's table but is hidden from readers and exports until the owner removes it.
    """

    catalogue = models.ForeignKey(Catalogue, on_delete=models.CASCADE, related_name="entries")
    achievement = models.ForeignKey(
        Achievement, on_delete=models.PROTECT, related_name="catalogue_entries", verbose_name=_("achievement")
    )
    position = models.PositiveIntegerField(_("position"))
    note = models.TextField(_("editorial note"), max_length=1000, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["position", "pk"]
        verbose_name = _("catalogue entry")
        verbose_name_plural = _("catalogue entries")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["catalogue", "achievement"], name="ach_catalogue_entry_unique")
        ]

    def __str__(self) -> str:
        return f"{self.catalogue} #{self.position}"


class CatalogueAccess(models.Model):
    """A verified organisation admitted by the owner to a military-to-civilian catalogue.

    Members of the organisation see the published catalogue while the organisation stays verified.
    """

    catalogue = models.ForeignKey(Catalogue, on_delete=models.CASCADE, related_name="access_grants")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="catalogue_grants", verbose_name=_("organisation")
    )
    admitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    admitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["organisation__name", "pk"]
        verbose_name = _("catalogue access")
        verbose_name_plural = _("catalogue access")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["catalogue", "organisation"], name="ach_catalogue_access_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.catalogue}"
