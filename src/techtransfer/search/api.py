"""GET /api/v1/search: the search page's results as JSON, same validation, same permission filter."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from techtransfer.core.errors import DomainError, Errors
from techtransfer.search import recommend, services
from techtransfer.search.forms import SearchForm

router = Router(tags=["search"])


class HitOut(Schema):
    type: str
    id: str
    title: str
    url: str
    score: float
    snippet: str
    matched_terms: list[str]


class FacetValueOut(Schema):
    value: str
    label: str
    count: int


class FacetOut(Schema):
    name: str
    label: str
    values: list[FacetValueOut]


class SearchOut(Schema):
    query: str
    total: int
    page: int
    results: list[HitOut]
    types: list[FacetValueOut]
    facets: list[FacetOut]


@router.get("/search", response=SearchOut, summary="Search all record types")
def search(request: HttpRequest) -> dict[str, Any]:
    """Query parameters as on /search/: q, type (repeatable), region, trl_min/max, price_min/max,
    year_min/max, page, and every facet name (plan_industry, discipline, stage, kind,
    transfer_mode, org_type; repeatable). Only records the caller may see are counted or returned."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        fields = {k: [str(m) for m in v] for k, v in form.errors.items()}
        raise DomainError(Errors.VALIDATION, details={"fields": fields})
    kwargs = form.request_kwargs()
    page = services.search(request.user, kwargs)
    return {
        "query": page.query,
        "total": page.results.total,
        "page": kwargs["offset"] // services.PAGE_SIZE + 1,
        "results": [
            {
                "type": h.type,
                "id": h.pk,
                "title": h.title,
                "url": h.url,
                "score": round(h.score, 4),
                "snippet": h.snippet,
                "matched_terms": h.matched_terms,
            }
            for h in page.results.hits
        ],
        "types": [{"value": v, "label": label, "count": c} for v, label, c in page.type_counts],
        "facets": [
            {
                "name": f.name,
                "label": f.label,
                "values": [{"value": v, "label": lb, "count": c} for v, lb, c in f.values],
            }
            for f in page.facets
        ],
    }


# --- "more like this" and recommendations -----------------------------------------------------------


class SimilarOut(Schema):
    type: str
    id: str
    results: list[HitOut]


class ComponentOut(Schema):
    name: str
    label: str
    weight: float
    value: float | None
    detail: str


class RecommendationOut(Schema):
    type: str
    id: str
    title: str
    url: str
    score: float
    components: list[ComponentOut]


class GroupOut(Schema):
    type: str
    label: str
    results: list[RecommendationOut]


class RecommendationsOut(Schema):
    type: str
    id: str
    weights: dict[str, float]
    groups: list[GroupOut]


def _source(request: HttpRequest, type_name: str, pk: str) -> Any:
    doc = recommend.source_document(request.user, type_name, pk)
    if doc is None:
        raise DomainError(Errors.NOT_FOUND)
    return doc


@router.get("/search/similar/{type_name}/{pk}", response=SimilarOut, summary="More like this")
def similar(request: HttpRequest, type_name: str, pk: str) -> dict[str, Any]:
    """Up to five records of the same type resembling this one (itself excluded), among those the
    caller may see. 404 when the record does not exist, is not indexed or is hidden from the caller."""
    doc = _source(request, type_name, pk)
    hits = recommend.similar(request.user, doc)
    return {
        "type": doc.type,
        "id": doc.pk,
        "results": [
            {
                "type": h.type,
                "id": h.pk,
                "title": h.title,
                "url": h.url,
                "score": round(h.score, 4),
                "snippet": h.snippet,
                "matched_terms": h.matched_terms,
            }
            for h in hits
        ],
    }


def _recommendations(request: HttpRequest, type_name: str, pk: str) -> dict[str, Any]:
    if type_name not in recommend.TARGETS:
        raise DomainError(Errors.NOT_FOUND)
    doc = _source(request, type_name, pk)
    return {
        "type": doc.type,
        "id": doc.pk,
        "weights": dict(recommend.WEIGHTS),
        "groups": [
            {
                "type": g.target.type,
                "label": g.label,
                "results": [
                    {
                        "type": r.type,
                        "id": r.pk,
                        "title": r.title,
                        "url": r.url,
                        "score": r.score,
                        "components": [
                            {"name": c.name, "label": c.label, "weight": c.weight, "value": c.value, "detail": c.detail}
                            for c in r.components
                        ],
                    }
                    for r in g.items
                ],
            }
            for g in recommend.recommend(request.user, doc)
        ],
    }


@router.get(
    "/search/recommendations/{type_name}/{pk}", response=RecommendationsOut, summary="Recommended matches of a record"
)
def recommendations(request: HttpRequest, type_name: str, pk: str) -> dict[str, Any]:
    """For a need or challenge: achievements, listings, experts and institutions; for an achievement or
    listing: needs, challenges and enterprises. Each result lists the components of its score."""
    return _recommendations(request, type_name, pk)


@router.get("/needs/{need_id}/recommendations", response=RecommendationsOut, summary="Recommended matches of a need")
def need_recommendations(request: HttpRequest, need_id: int) -> dict[str, Any]:
    return _recommendations(request, "need", str(need_id))


@router.get(
    "/achievements/{achievement_id}/recommendations",
    response=RecommendationsOut,
    summary="Recommended matches of an achievement",
)
def achievement_recommendations(request: HttpRequest, achievement_id: int) -> dict[str, Any]:
    return _recommendations(request, "achievement", str(achievement_id))
