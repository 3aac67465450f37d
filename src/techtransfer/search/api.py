"""GET /api/v1/search: the search page's results as JSON, same validation, same permission filter.
POST /api/v1/classify: suggested discipline and industry for a title and abstract."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from techtransfer.core.api_support import require_user
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


class ClassifyIn(Schema):
    title: str = Field("", max_length=4000, description="Title or name of the record")
    text: str = Field("", max_length=20000, description="Abstract or description")


class SuggestionOut(Schema):
    value: str
    label: str
    confidence: float


class ClassifyOut(Schema):
    discipline: list[SuggestionOut]
    industry: list[SuggestionOut]
    emerging_industry: list[SuggestionOut]


@router.post("/classify", response=ClassifyOut, summary="Suggest discipline and industry for a text")
def classify(request: HttpRequest, payload: ClassifyIn) -> dict[str, Any]:
    """Top-3 disciplines (学科, the achievement form's values), action-plan industries (PlanIndustry
    codes) and strategic emerging industries (EmergingIndustry codes) with confidences 0–1, from the
    shipped classifiers. Login or token required. Texts shorter
    than 4 characters give empty lists."""
    require_user(request)
    from techtransfer.search import classifier

    result = classifier.suggest(payload.title, payload.text)
    return {key: [vars(s) for s in items] for key, items in result.items()}
