"""Shared steps of the search tests."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser

from techtransfer.achievements import services as achievement_services
from techtransfer.achievements.models import Achievement
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.search import services


def publish(a: Achievement, admin: Any, reviewer: Any) -> Achievement:
    """The real workflow: submit, review, approve (each step audited, so each writes outbox rows)."""
    achievement_services.submit_achievement(actor=admin, achievement_id=a.pk)
    achievement_services.start_review(actor=reviewer, achievement_id=a.pk)
    return achievement_services.approve_achievement(actor=reviewer, achievement_id=a.pk)


def draft(org: Any, member: Any, **kwargs: Any) -> Achievement:
    return AchievementFactory(organisation=org, created_by=member, **kwargs)


def hits(query: str, user: Any = None, **kwargs: Any) -> list[str]:
    page = services.search(user or AnonymousUser(), {"query": query, **kwargs})
    return [h.title for h in page.results.hits]
