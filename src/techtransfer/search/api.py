"""GET /api/v1/search: the search page's results as JSON, same validation, same permission filter."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from techtransfer.core.errors import DomainError, Errors
from techtransfer.search import services
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
    lexical_score: float | None = None
    semantic_similarity: float | None = None
    fused_score: float | None = None


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
    year_min/max, page, mode (hybrid, lexical or semantic), and every facet name (plan_industry,
    discipline, stage, kind,
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
                "lexical_score": None if h.lexical_score is None else round(h.lexical_score, 4),
                "semantic_similarity": None if h.semantic_similarity is None else round(h.semantic_similarity, 4),
                "fused_score": None if h.fused_score is None else round(h.fused_score, 4),
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
