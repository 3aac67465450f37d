"""What the search engine indexes of the achievements registry.

Only public records (published, secrecy "public": `access.public_achievements`) are indexed, with
the visibility token "public"; drafts, records under review, internal records and expired ones are
removed from the index when they change. Records visible to members or reviewers only are therefore
never findable through search yet (their own lists serve them).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements import panels
from techtransfer.achievements.access import public_achievements
from techtransfer.achievements.choices import AchievementKind, PlanIndustry, SecrecyLevel, Stage, TransferMode
from techtransfer.achievements.models import Achievement
from techtransfer.search.classifier import discipline_name, discipline_values
from techtransfer.search.registry import (
    PUBLIC,
    FilterKind,
    FilterSpec,
    SearchDocument,
    SearchType,
    choice_filter,
    int_pks,
    load_documents,
    pks_of,
    region_prefixes,
    register,
)


def document(a: Achievement) -> SearchDocument:
    published = timezone.localdate(a.published_at).year if a.published_at else None
    filters: dict[str, list[str | int | float]] = {
        "plan_industry": [a.plan_industry] if a.plan_industry else [],
        "discipline": [a.discipline] if a.discipline else [],
        "stage": [a.stage],
        "kind": [a.kind],
        "transfer_mode": list(a.transfer_modes or []),
        "region": list(region_prefixes(a.region_id or "")),
    }
    if a.trl is not None:
        filters["trl"] = [a.trl]
    if a.price is not None:
        filters["price"] = [float(a.price)]
    if published is not None:
        filters["year"] = [published]
    return SearchDocument(
        type="achievement",
        pk=str(a.pk),
        title=a.name,
        url=reverse("achievements:detail", args=[a.pk]),
        fields={
            "title": a.name,
            "keywords": " ".join(a.keywords or []),
            "body": a.abstract,
        },
        filters=filters,
        visibility=[PUBLIC],
        summary=a.abstract,
        names=[a.organisation.name],
        owner=str(a.organisation_id),
        date=a.published_at or a.created_at,
    )


def load(pks: Sequence[str] | None) -> Iterator[SearchDocument]:
    return load_documents(public_achievements().order_by("pk"), pks, document)


def of_organisations(org_pks: Sequence[str]) -> Iterable[str]:
    """Public records of these organisations (their documents carry the organisation's name)."""
    return pks_of(public_achievements().filter(organisation_id__in=int_pks(org_pks)))


def keywords() -> Iterable[str]:
    """The domain dictionary: every keyword of a public record."""
    for kws in public_achievements().values_list("keywords", flat=True).iterator(chunk_size=2000):
        yield from kws or []


register(
    SearchType(
        name="achievement",
        label=_("Achievements"),
        model_label=Achievement._meta.label_lower,
        fields={"title": 3.0, "keywords": 2.0, "body": 1.0},
        load=load,
        terms=keywords,
        count=lambda: public_achievements().count(),
        dependents={"core.organisation": of_organisations},
        filters=(
            choice_filter("plan_industry", _("Industry"), dict(PlanIndustry.choices)),
            FilterSpec("discipline", _("Discipline"), value_label=discipline_name, values=discipline_values),
            choice_filter("stage", _("Stage"), dict(Stage.choices)),
            choice_filter("kind", _("Kind"), dict(AchievementKind.choices)),
            choice_filter("transfer_mode", _("Transfer mode"), dict(TransferMode.choices)),
            FilterSpec("trl", _("Technology readiness level"), kind=FilterKind.INT, facet=False),
            FilterSpec("region", _("Region"), kind=FilterKind.PREFIX, facet=False),
            FilterSpec("price", _("Price (10,000 yuan)"), kind=FilterKind.FLOAT, facet=False),
            FilterSpec("year", _("Year published"), kind=FilterKind.INT, facet=False),
        ),
    )
)


@panels.register
def search_panels(request: HttpRequest, achievement: Achievement) -> tuple[str, dict[str, Any]] | None:
    """Recommended needs and enterprises, and "more like this", loaded lazily (indexed records only)."""
    if achievement.status != Achievement.Status.PUBLISHED or achievement.secrecy != SecrecyLevel.PUBLIC:
        return None
    return "search/_record_panels.html", {"type": "achievement", "pk": achievement.pk, "recommend": True}
