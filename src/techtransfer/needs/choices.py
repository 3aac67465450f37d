"""Classifications of technology needs and challenges, as TextChoices.

A need's review states are the shared `core.choices.ReviewStatus`; its industry uses the achievement
classifications (`achievements.choices.PlanIndustry`), so needs and achievements can be matched.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CooperationMode(models.TextChoices):
    ASSIGNMENT = "assignment", _("Assignment (转让)")
    LICENCE = "licence", _("Licence (许可)")
    JOINT_DEVELOPMENT = "joint_development", _("Cooperative development (合作开发)")
    COMMISSIONED = "commissioned", _("Commissioned development (委托开发)")
    SERVICE = "service", _("Technical service (技术服务)")
    OTHER = "other", _("Other")


class Confidentiality(models.TextChoices):
    """Who reads the full text of a published need."""

    SUMMARY = "summary", _("Public summary; full text for verified accounts only")
    PUBLIC = "public", _("Fully public")


class ChallengeStatus(models.TextChoices):
    """Open means "accepting proposals until the deadline"; the evaluation phase follows from the clock."""

    OPEN = "open", pgettext_lazy("challenge status", "Open")
    AWARDED = "awarded", _("Awarded")
    CANCELLED = "cancelled", _("Cancelled")


class SolverType(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    TEAM = "team", _("Team")
    ORGANISATION = "organisation", _("Organisation")


class RankBand(models.TextChoices):
    WINNER = "winner", _("Winner")
    TOP_QUARTER = "top_25", _("Top 25%")
    TOP_HALF = "top_50", _("Top 50%")
    LOWER_HALF = "lower_50", _("Lower 50%")
    NOT_SCORED = "not_scored", _("Not scored")
