"""Choices shared by every app: organisation types, statuses, roles, region levels, review states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")


class OrganisationType(models.TextChoices):
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    ENTERPRISE = "enterprise", _("Enterprise")
    SERVICE_AGENCY = "service_agency", _("Technology-transfer service agency")
    GOVERNMENT = "government", _("Government science department")
    FINANCIAL = "financial", _("Financial institution")
    HOSPITAL = "hospital", _("Hospital")
    OTHER = "other", _("Other")


class OrganisationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    VERIFIED = "verified", _("Verified")
    SUSPENDED = "suspended", _("Suspended")


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", _("Organisation admin")
    MEMBER = "member", _("Member")
    BROKER = "broker", _("Technology broker")
    GOV_REVIEWER = "gov_reviewer", _("Government reviewer")
    GOV_OFFICIAL = "gov_official", _("Government official")


# Roles that only make sense inside a government science department.
GOVERNMENT_ROLES = frozenset({Role.GOV_REVIEWER, Role.GOV_OFFICIAL})


class ReviewStatus(models.TextChoices):
    """The review states every registry (achievements, needs, listings …) shares."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    PUBLISHED = "published", _("Published")
    RETURNED = "returned", _("Returned for changes")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


class TokenScope(models.TextChoices):
    READ = "read", _("Read only")
    WRITE = "write", _("Read and write")
