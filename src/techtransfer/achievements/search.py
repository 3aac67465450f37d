"""What the search engine indexes of the achievements registry.

Every achievement is indexed with the visibility tokens of exactly those who may open it
(`achievement_visibility`, the mirror of `access.achievements_visible_to`):

- published with secrecy "public": everyone ("public");
- any other record: platform admins ("admin") and the owning organisation's members ("org:<id>"),
  drafts and internal records included; and, once it has left the organisation (every status but
  `access.PRIVATE_STATES`: draft, waiting for the organisation's confirmation), the government
  departments whose jurisdiction covers the record's own region ("gov:<prefix>", as `government_q`
  reads `Achievement.region`): submitted, under review, returned, rejected, withdrawn, expired, and
  published internal records.
- a draft made from an invention disclosure (`access.is_confined`): platform admins and the
  organisation's admins ("orgadmin:<id>") only; its author and discloser, who may also open it, reach
  it from their own pages (a token per person would outlive their membership).

So an organisation's staff find their drafts, and reviewers the submissions of their jurisdiction,
through the search page and API like everyone else; each hit they alone may see is marked "not
public" (the payload's flag is whether "public" is among the tokens). An achievement has no
summary-only level (needs' `confidentiality`): everyone holding a token may read the whole record,
so every document holds its full text.

What stays public only: the domain dictionary (`keywords`, the suggester's keywords and the
tokenizer's words; the suggester reads titles through an anonymous search), the recommendation and
"more like this" panels (`search_panels` shows them on public records; `search.recommend` offers
public achievements only) and subscription notices (`search.subscriptions` matches published
records only, with the public's visibility).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements import panels
from techtransfer.achievements.access import PRIVATE_STATES, is_confined, public_achievements
from techtransfer.achievements.choices import AchievementKind, PlanIndustry, SecrecyLevel, Stage, TransferMode
from techtransfer.achievements.models import Achievement
from techtransfer.search.classifier import discipline_name, discipline_values
from techtransfer.search.permissions import ADMIN, gov_tokens, org_admin_token, org_token
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


def achievement_visibility(a: Achievement) -> list[str]:
    """The tokens of those who may see `a`: a mirror of `access.achievements_visible_to` (and of
    `can_on_achievement(..., "view")`); keep them in step (a test compares them for every status,
    secrecy level and persona). Published and public: everyone. Otherwise platform admins and the
    owning organisation's members; and, outside `PRIVATE_STATES`, the government departments whose
    jurisdiction covers the record's own `region` (`government_q`), not its organisation's."""
    if a.status == Achievement.Status.PUBLISHED and a.secrecy == SecrecyLevel.PUBLIC:
        return [PUBLIC]
    if is_confined(a):  # a draft made from a disclosure: its author and discloser open it from their pages
        return [ADMIN, org_admin_token(a.organisation_id)]
    tokens = [ADMIN, org_token(a.organisation_id)]
    if a.status not in PRIVATE_STATES:
        tokens += gov_tokens(a.region_id or "")
    return tokens


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
        visibility=achievement_visibility(a),
        summary=a.abstract,
        names=[a.organisation.name],
        owner=str(a.organisation_id),
        date=a.published_at or a.created_at,
    )


def load(pks: Sequence[str] | None) -> Iterator[SearchDocument]:
    """Every achievement, whatever its status: each document carries who may see it."""
    return load_documents(
        Achievement.objects.select_related("organisation", "disclosure").order_by("pk"), pks, document
    )


def of_organisations(org_pks: Sequence[str]) -> Iterable[str]:
    """Every record of these organisations (their documents carry the organisation's name)."""
    return pks_of(Achievement.objects.filter(organisation_id__in=int_pks(org_pks)))


def keywords() -> Iterable[str]:
    """The domain dictionary: every keyword of a public record (it feeds the suggestions everyone
    sees, so the words of drafts and internal records stay out of it)."""
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
        count=lambda: Achievement.objects.count(),  # what `load(None)` yields
        dependents={"core.organisation": of_organisations},
        filters=(
            choice_filter("plan_industry", _("Industry"), dict(PlanIndustry.choices)),
            FilterSpec("discipline", _("Discipline"), value_label=discipline_name, values=discipline_values),
            choice_filter("stage", _("Stage"), dict(Stage.choices)),
            choice_filter("kind", _("Type"), dict(AchievementKind.choices)),
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
    """Recommended needs and enterprises, and "more like this", loaded lazily: on public records only
    (what the panels offer is public too: `search.recommend.PUBLIC_CANDIDATES`)."""
    if achievement.status != Achievement.Status.PUBLISHED or achievement.secrecy != SecrecyLevel.PUBLIC:
        return None
    return "search/_record_panels.html", {"type": "achievement", "pk": achievement.pk, "recommend": True}
