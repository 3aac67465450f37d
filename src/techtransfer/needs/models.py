"""Technology needs (技术需求), challenges with bounties (研发众包), proposals, expert scoring and awards."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements.choices import PlanIndustry
from techtransfer.core.choices import ReviewStatus
from techtransfer.core.models import Region
from techtransfer.needs.choices import ChallengeStatus, Confidentiality, CooperationMode, RankBand, SolverType


def yuan_label(amount: Decimal) -> str:
    """500,000 or 1,234.50: an amount of yuan grouped in thousands, the cents only when there are any
    (the bounty and the awards of a challenge read alike)."""
    return f"{amount:,.2f}".removesuffix(".00")


class Need(models.Model):
    """A technical problem an organisation (usually an enterprise) wants solved.

    Created as a draft by a member of `organisation`; reviewed with the shared review workflow by the
    government reviewers whose jurisdiction covers the organisation's region (`region` says where the
    technology is wanted and chooses no reviewer). Published needs are listed publicly;
    with `confidentiality=summary` only `summary` is public and the full text is for verified accounts.
    """

    Status = ReviewStatus

    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("public summary"), max_length=500)
    description = models.TextField(_("problem description"), max_length=8000)
    indicators = models.TextField(_("target technical specifications"), max_length=4000, blank=True)
    industry = models.CharField(_("industry"), max_length=16, choices=PlanIndustry.choices, blank=True, db_index=True)
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="needs", verbose_name=_("organisation")
    )
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    budget_min = models.DecimalField(
        _("budget from (10,000 yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    budget_max = models.DecimalField(
        _("budget to (10,000 yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    cooperation_modes = models.JSONField(_("preferred cooperation modes"), default=list, blank=True)
    required_trl = models.PositiveSmallIntegerField(
        _("required technology readiness level"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text=_("The lowest TRL (1–9) a solution should have reached; leave empty for any."),
    )  # fmt: skip
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    confidentiality = models.CharField(
        _("confidentiality"), max_length=8, choices=Confidentiality.choices, default=Confidentiality.SUMMARY
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT, db_index=True
    )
    review_comment = models.TextField(_("last review comment"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering: ClassVar = ["-published_at", "-pk"]
        verbose_name = _("technology need")
        verbose_name_plural = _("technology needs")
        indexes: ClassVar = [models.Index(fields=["status", "region"])]

    def __str__(self) -> str:
        return self.title

    @property
    def cooperation_mode_labels(self) -> list[str]:
        labels = dict(CooperationMode.choices)
        return [str(labels.get(m, m)) for m in self.cooperation_modes]


class Challenge(models.Model):
    """A published need run as a challenge with a bounty.

    `split` lists each winning place's share of the bounty in percent (adds up to 100); `eligible_types`
    lists the SolverType values admitted, `eligible_regions` region codes (empty: everywhere). Proposals
    are accepted while `timezone.now() <= deadline`; after it the panel scores and the seeker awards.
    """

    Status = ChallengeStatus

    need = models.OneToOneField(Need, on_delete=models.PROTECT, related_name="challenge", verbose_name=_("need"))
    bounty = models.DecimalField(_("bounty (yuan)"), max_digits=14, decimal_places=2)
    split = models.JSONField(_("shares of the winners (%)"), default=list)
    deadline = models.DateTimeField(_("submission deadline"))
    eligible_types = models.JSONField(_("eligible solvers"), default=list)
    eligible_regions = models.JSONField(_("eligible regions"), default=list, blank=True)
    agreement = models.TextField(_("solver agreement"), max_length=8000)
    status = models.CharField(
        _("status"), max_length=12, choices=ChallengeStatus.choices, default=ChallengeStatus.OPEN, db_index=True
    )
    announcement = models.TextField(_("announcement"), blank=True)
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")

    def __str__(self) -> str:
        return self.need.title

    @property
    def organisation_id(self) -> int:
        return self.need.organisation_id

    @property
    def eligible_type_labels(self) -> list[str]:
        labels = dict(SolverType.choices)
        return [str(labels.get(t, t)) for t in self.eligible_types]

    @property
    def eligible_region_names(self) -> list[str]:
        """The eligible regions by their full names (江西省南昌市, with the English reading beside it on
        English pages), in the order stored; a code no longer known is shown as it is."""
        regions = Region.objects.filter(code__in=self.eligible_regions).select_related("parent__parent")
        english = get_language() == "en"
        names = {r.code: f"{r.full_name} ({r.full_name_en})" if english else r.full_name for r in regions}
        return [names.get(code, code) for code in self.eligible_regions]

    @property
    def eligible_regions_label(self) -> str:
        """The eligible regions in one line: 江西省、江西省南昌市, or on English pages 江西省 (Jiangxi
        Province); 江西省南昌市 (Nanchang City, Jiangxi Province)."""
        return ("; " if get_language() == "en" else "、").join(self.eligible_region_names)

    @property
    def bounty_label(self) -> str:
        """500,000 or 1,234.50: grouped in thousands, the cents only when there are any."""
        return yuan_label(self.bounty)

    @property
    def split_label(self) -> str:
        """The shares as one placeholder value, "60% / 40%", for `(shares: %(split)s)`."""
        return " / ".join(f"{s}%" for s in self.split)

    def split_decimals(self) -> list[Decimal]:
        return [Decimal(str(s)) for s in self.split]


CRITERION_NAME_LENGTH = 200


class Criterion(models.Model):
    """One evaluation criterion of a challenge; weights of a challenge add up to 100."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("criterion"), max_length=CRITERION_NAME_LENGTH)
    weight = models.PositiveSmallIntegerField(_("weight"))

    class Meta:
        ordering: ClassVar = ["position"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["challenge", "position"], name="needs_criterion_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight})"


class AgreementAcceptance(models.Model):
    """A solver accepted the challenge agreement; only then does the full problem show."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="acceptances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["challenge", "user"], name="needs_acceptance_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.challenge_id}"


class Expert(models.Model):
    """A person on a challenge's panel. Must declare conflicts (possibly none) before scoring."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="experts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    conflicts_declared_at = models.DateTimeField(_("conflicts declared at"), null=True, blank=True)
    conflict_note = models.CharField(_("conflict note"), max_length=500, blank=True)
    conflicts: models.ManyToManyField[Proposal, Any] = models.ManyToManyField(
        "Proposal", blank=True, related_name="conflicted_experts"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["challenge", "user"], name="needs_expert_unique")]

    def __str__(self) -> str:
        return str(self.user)


class Proposal(models.Model):
    """A solver's private proposal. Only the solver, the seeker and the assigned experts may read it.

    Revisable until the challenge deadline; `version` increases with each revision and a revision must
    name the version it started from (two windows editing at once: the second is refused).
    """

    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="proposals")
    solver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    solver_type = models.CharField(_("solver type"), max_length=16, choices=SolverType.choices)
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("organisation"),
    )  # fmt: skip
    team_members = models.CharField(_("team members"), max_length=500, blank=True)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    title = models.CharField(_("title"), max_length=200)
    approach = models.TextField(_("proposed solution"), max_length=20000)
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(_("first submitted at"))
    revised_at = models.DateTimeField(_("last revised at"))
    shortlisted = models.BooleanField(_("shortlisted"), default=False)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    rank_band = models.CharField(_("rank band"), max_length=12, choices=RankBand.choices, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    award_amount = models.DecimalField(_("award (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["submitted_at", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["challenge", "solver"], name="needs_proposal_one_per_solver")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def award_label(self) -> str:
        """The award as the bounty reads (`yuan_label`: 6,000.01), "" when there is none."""
        return yuan_label(self.award_amount) if self.award_amount is not None else ""


class Score(models.Model):
    """One expert's submitted score of one proposal: per-criterion values 0–100 and their weighted total.

    Written once and locked: there is no update path.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="scores")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="scores")
    values = models.JSONField(_("scores by criterion"))
    total = models.DecimalField(_("weighted total"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("comment for the solver"), max_length=4000, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["proposal", "expert"], name="needs_score_once_per_expert")
        ]

    def __str__(self) -> str:
        return f"{self.total} ({self.expert_id} → {self.proposal_id})"
