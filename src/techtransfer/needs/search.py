"""What the search engine indexes of technology needs, challenges and challenge panels (experts).

Every need is indexed with the visibility tokens of those who may see it (`needs.access`):
published needs are public; a draft is seen by its organisation's members and platform admins; once
submitted, government reviewers and officials of its jurisdiction see it too. A published need whose
full text is for verified accounts only (`confidentiality=summary`) is indexed with its title and
public summary only, so neither a hit nor a snippet reveals the hidden text.

A challenge is visible wherever its need is. An expert document is one seat on a challenge's panel:
only the seeker (the need's author and its organisation's admins) and platform admins see panels.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements.choices import PlanIndustry
from techtransfer.core.choices import ReviewStatus
from techtransfer.needs.choices import ChallengeStatus, Confidentiality, CooperationMode
from techtransfer.needs.models import Challenge, Expert, Need
from techtransfer.search.permissions import ADMIN, org_admin_token, reviewed_record_visibility, user_token
from techtransfer.search.registry import (
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

_INDUSTRY = dict(PlanIndustry.choices)
_MODES = dict(CooperationMode.choices)
_CHALLENGE_STATUS = dict(ChallengeStatus.choices)


def need_visibility(need: Need) -> list[str]:
    """Mirror of `needs.access.needs_visible_to`: reviewers by the organisation's region."""
    return reviewed_record_visibility(need.status, need.organisation_id, need.organisation.region_id)


def _full_text_public(need: Need) -> bool:
    """Is the whole text readable by everyone who holds one of the document's tokens?"""
    return need.status != ReviewStatus.PUBLISHED or need.confidentiality == Confidentiality.PUBLIC


def need_filters(need: Need) -> dict[str, list[str | int | float]]:
    filters: dict[str, list[str | int | float]] = {
        "plan_industry": [need.industry] if need.industry else [],
        "transfer_mode": [str(m) for m in need.cooperation_modes or []],
        "region": list(region_prefixes(need.region_id or "")),
        # The budget range: both ends, so a price filter finds needs whose budget touches it.
        "price": [float(b) for b in (need.budget_min, need.budget_max) if b is not None],
    }
    if need.required_trl is not None:
        filters["trl"] = [need.required_trl]  # the lowest readiness the need asks for
    if need.published_at:
        filters["year"] = [timezone.localdate(need.published_at).year]
    return filters


def need_document(need: Need) -> SearchDocument:
    full = _full_text_public(need)
    body = f"{need.summary}\n{need.description}\n{need.indicators}".strip() if full else need.summary
    return SearchDocument(
        type="need",
        pk=str(need.pk),
        title=need.title,
        url=reverse("needs:detail", args=[need.pk]),
        fields={"title": need.title, "body": body},
        filters=need_filters(need),
        visibility=need_visibility(need),
        summary=need.summary,
        names=[need.organisation.name],
        owner=str(need.organisation_id),
        date=need.published_at or need.created_at,
    )


def load_needs(pks: Sequence[str] | None) -> Iterator[SearchDocument]:
    return load_documents(Need.objects.select_related("organisation").order_by("pk"), pks, need_document)


def needs_of_organisations(org_pks: Sequence[str]) -> Iterable[str]:
    return pks_of(Need.objects.filter(organisation_id__in=int_pks(org_pks)))


# --- challenges -----------------------------------------------------------------------------------


def challenge_document(c: Challenge) -> SearchDocument:
    need = c.need
    filters = need_filters(need)
    filters["price"] = [float(c.bounty) / 10_000]  # the bounty, in 10,000 yuan like every price
    filters["challenge_status"] = [c.status]
    filters["year"] = [timezone.localdate(c.created_at).year]
    return SearchDocument(
        type="challenge",
        pk=str(c.pk),
        title=need.title,
        url=reverse("challenges:detail", args=[c.pk]),
        # The full problem is for accepted solvers only: the public summary is indexed.
        fields={"title": need.title, "body": need.summary},
        filters=filters,
        visibility=need_visibility(need),
        summary=need.summary,
        names=[need.organisation.name],
        owner=str(need.organisation_id),
        about=f"need:{need.pk}",
        date=c.created_at,
    )


def load_challenges(pks: Sequence[str] | None) -> Iterator[SearchDocument]:
    return load_documents(
        Challenge.objects.select_related("need__organisation").order_by("pk"), pks, challenge_document
    )


def challenges_of_needs(need_pks: Sequence[str]) -> Iterable[str]:
    return pks_of(Challenge.objects.filter(need_id__in=int_pks(need_pks)))


def challenges_of_organisations(org_pks: Sequence[str]) -> Iterable[str]:
    return challenges_of_needs(list(needs_of_organisations(org_pks)))


# --- experts (panel seats) ------------------------------------------------------------------------


def expert_document(e: Expert) -> SearchDocument:
    need = e.challenge.need
    name = e.user.display_name or e.user.get_full_name() or e.user.username
    return SearchDocument(
        type="expert",
        pk=str(e.pk),
        title=name,
        url=reverse("challenges:detail", args=[e.challenge_id]),
        # What the expert judged: the challenge's problem stands for their field.
        fields={"title": name, "body": f"{need.title}\n{need.summary}"},
        filters={
            "plan_industry": [need.industry] if need.industry else [],
            "region": list(region_prefixes(need.region_id or "")),
        },
        visibility=[ADMIN, org_admin_token(need.organisation_id), user_token(need.created_by_id)],
        summary=need.title,
        about=f"need:{need.pk}",
        date=e.added_at,
    )


def load_experts(pks: Sequence[str] | None) -> Iterator[SearchDocument]:
    return load_documents(Expert.objects.select_related("user", "challenge__need").order_by("pk"), pks, expert_document)


def experts_of_challenges(challenge_pks: Sequence[str]) -> Iterable[str]:
    return pks_of(Expert.objects.filter(challenge_id__in=int_pks(challenge_pks)))


def experts_of_needs(need_pks: Sequence[str]) -> Iterable[str]:
    return experts_of_challenges(list(challenges_of_needs(need_pks)))


def experts_of_users(user_pks: Sequence[str]) -> Iterable[str]:
    return pks_of(Expert.objects.filter(user_id__in=int_pks(user_pks)))


_SHARED_FILTERS = (
    choice_filter("plan_industry", _("Industry"), _INDUSTRY),
    FilterSpec("region", _("Region"), kind=FilterKind.PREFIX, facet=False),
)
_TRANSFER_MODE = choice_filter("transfer_mode", _("Transfer mode"), _MODES)

register(
    SearchType(
        name="need",
        label=_("Technology needs"),
        model_label=Need._meta.label_lower,
        fields={"title": 3.0, "body": 1.0},
        load=load_needs,
        count=lambda: Need.objects.count(),
        dependents={"core.organisation": needs_of_organisations},
        filters=(
            *_SHARED_FILTERS,
            _TRANSFER_MODE,
            FilterSpec("trl", _("Technology readiness level"), kind=FilterKind.INT, facet=False),
            FilterSpec("price", _("Price (10,000 yuan)"), kind=FilterKind.FLOAT, facet=False),
            FilterSpec("year", _("Year published"), kind=FilterKind.INT, facet=False),
        ),
    )
)

register(
    SearchType(
        name="challenge",
        label=_("Challenges"),
        model_label=Challenge._meta.label_lower,
        fields={"title": 3.0, "body": 1.0},
        load=load_challenges,
        count=lambda: Challenge.objects.count(),
        dependents={"needs.need": challenges_of_needs, "core.organisation": challenges_of_organisations},
        filters=(
            *_SHARED_FILTERS,
            _TRANSFER_MODE,
            FilterSpec("price", _("Price (10,000 yuan)"), kind=FilterKind.FLOAT, facet=False),
            FilterSpec("year", _("Year published"), kind=FilterKind.INT, facet=False),
            choice_filter("challenge_status", _("Challenge status"), _CHALLENGE_STATUS),
        ),
    )
)

register(
    SearchType(
        name="expert",
        label=_("Experts"),
        model_label=Expert._meta.label_lower,
        fields={"title": 3.0, "body": 1.0},
        load=load_experts,
        count=lambda: Expert.objects.count(),
        dependents={
            "needs.challenge": experts_of_challenges,
            "needs.need": experts_of_needs,
            "core.user": experts_of_users,
        },
        filters=_SHARED_FILTERS,
    )
)
