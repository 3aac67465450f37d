"""GET /api/v1/search: the search page's results as JSON, same validation, same permission filter.
POST /api/v1/classify: suggested discipline and industry for a title and abstract."""

from __future__ import annotations

import dataclasses
import datetime
import unicodedata
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from techtransfer.core.api_support import PageNumberPagination, require_user
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.ids import parse_id
from techtransfer.search import hints, recommend, services, subscriptions
from techtransfer.search import suggest as suggest_module
from techtransfer.search.backends.base import SearchHit, listed_by_date
from techtransfer.search.forms import MAX_PAGE, SearchForm
from techtransfer.search.models import SearchSubscription

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
    context_similarity: float | None = None  # e5 cosine, when the re-ranking stage re-ordered the hit
    whole_query_bonus: float | None = None  # part of fused_score: the record holds the whole short question
    public: bool = True


class FacetValueOut(Schema):
    value: str
    label: str
    count: int


class FacetOut(Schema):
    name: str
    label: str
    values: list[FacetValueOut]


class HintOut(Schema):
    text: str
    url: str = Field(description="A record's page (an offered title); empty for a question to search for")


class SearchOut(Schema):
    query: str
    total: int = Field(
        description="Matching records the caller may see (in meaning-only mode: at most the depth searched)"
    )
    page: int
    page_size: int
    pages: int = Field(
        description="Pages of page_size that can be asked for: all of the total, at most the search's best 1,000"
    )
    sort: str = Field(description="relevance (best first) or newest (newest first; always without a question)")
    results: list[HitOut]
    types: list[FacetValueOut]
    facets: list[FacetOut]
    did_you_mean: list[HintOut] = Field(
        description="On page 1 of a question that found nothing, or of one word found only by its parts: "
        "corrections (a mistyped look-alike character: 稀士 → 稀土; pinyin; Latin typos) and suggested titles"
    )
    fewer_words: list[str] = Field(
        description="A short question whose words no record holds together: questions of fewer of its words "
        "that find something (5G通信 → 通信)"
    )
    filtered_to_nothing: bool = Field(
        description="The filters emptied a question that finds records without them: remove a filter"
    )
    some_words: bool = Field(
        description="No record holds most of the words of a short question (中药提取): the word matches listed "
        "hold some of them (see fewer_words)"
    )


def _hit_out(h: SearchHit) -> dict[str, Any]:
    """What every list of hits returns for one hit (search adds the parts of its score)."""
    return {
        "type": h.type,
        "id": h.pk,
        "title": h.title,
        "url": h.url,
        "score": round(h.score, 4),
        "snippet": h.snippet,
        "matched_terms": h.matched_terms,
        "public": h.public,
    }


def _search_parameters() -> list[dict[str, Any]]:
    """The query parameters of GET /search for the OpenAPI document (the form reads request.GET)."""
    from techtransfer.search.forms import keyword_filters
    from techtransfer.search.registry import types

    def param(name: str, schema: dict[str, Any], description: str, repeat: bool = False) -> dict[str, Any]:
        if repeat:
            schema = {"type": "array", "items": schema}
        return {"in": "query", "name": name, "required": False, "schema": schema, "description": description,
                **({"style": "form", "explode": True} if repeat else {})}  # fmt: skip

    out = [
        param(
            "q",
            {"type": "string", "maxLength": services.MAX_QUERY_CHARS},
            "The question (Chinese or English); a term after a minus sign (稀土 -荧光) excludes the records with it; "
            'words in quotes ("稀土 元素" or “稀土元素”) must all be in a record.',
        ),
        param("type", {"type": "string", "enum": sorted(types())}, "Record types (any of them).", repeat=True),
        param("region", {"type": "string"}, "GB/T 2260 codes of 2, 4 or 6 digits, comma-separated (any of them)."),
        param(
            "mode",
            {"type": "string", "enum": ["hybrid", "lexical", "semantic"]},
            "What a record is matched by: words and meaning (hybrid, the default), words only or meaning only.",
        ),
        param(
            "sort",
            {"type": "string", "enum": ["relevance", "newest"]},
            "Best matches first (relevance, the default) or newest first: the same records and counts. "
            "Without a question the records are always listed newest first.",
        ),
        param(
            "page",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE * services.PAGE_SIZE},
            f"Page number; the search serves its best {MAX_PAGE * services.PAGE_SIZE} results "
            f"({MAX_PAGE} pages of {services.PAGE_SIZE}, {MAX_PAGE * services.PAGE_SIZE // MAX_PAGE_SIZE} of "
            f"{MAX_PAGE_SIZE}).",
        ),
        param(
            "page_size",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": services.PAGE_SIZE},
            "Results a page.",
        ),
    ]
    for name, what in (
        ("trl", "Technology readiness level"),
        ("price", "Price in 10,000 yuan (a listing's or budget's from–to range passes when it overlaps)"),
        ("year", "Year published"),
    ):
        least, most, whole = services.RANGE_BOUNDS[name]
        bounded = {"type": "integer" if whole else "number", "minimum": least, "maximum": most}
        out += [param(f"{name}_min", bounded, f"{what}, from."), param(f"{name}_max", bounded, f"{what}, to.")]
    with translation.override("en"):
        for name, spec in keyword_filters().items():
            allowed = services.allowed_values(name)
            schema: dict[str, Any] = {"type": "string", **({"enum": sorted(allowed)} if allowed is not None else {})}
            out.append(param(name, schema, f"{spec.label} (facet values; any of them).", repeat=True))
    return out


# The search serves its best MAX_PAGE pages of PAGE_SIZE (1,000 results); the API reads them in pages
# of up to MAX_PAGE_SIZE.
DEPTH = MAX_PAGE * services.PAGE_SIZE
MAX_PAGE_SIZE = 100


def _page_size(given: str | None) -> tuple[int, str]:
    """The page size asked for and, when it is not one, why."""
    if not (given or "").strip():
        return services.PAGE_SIZE, ""
    if (size := _whole_number(given or "", MAX_PAGE_SIZE)) is not None:
        return size, ""
    return services.PAGE_SIZE, gettext("Enter a whole number from 1 to %(most)d.") % {"most": MAX_PAGE_SIZE}


def _last_page(size: int) -> int:
    return DEPTH // size


def _page_number(given: str, last: int) -> int | None:
    """The page asked for (1 when none is), None when it is not one of 1–`last`."""
    return _whole_number(given, last) if given.strip() else 1


def _whole_number(given: str, most: int) -> int | None:
    """`given` as a whole number from 1 to `most`, full-width digits read as digits (２ is 2)."""
    number = parse_id(unicodedata.normalize("NFKC", given).strip())
    return number if number is not None and 1 <= number <= most else None


@router.get(
    "/search",
    response=SearchOut,
    summary="Search all record types",
    openapi_extra={"parameters": _search_parameters()},
)
def search(request: HttpRequest) -> dict[str, Any]:
    """Query parameters as on /search/: q, type (repeatable), region, trl_min/max, price_min/max,
    year_min/max, page, page_size (1–100), mode (hybrid, lexical or semantic), sort (relevance or newest), and every
    facet name (plan_industry, discipline, stage, kind, transfer_mode, listing_mode, challenge_status,
    org_type; repeatable).
    Only records the caller may see are counted or returned."""
    data = request.GET.copy()
    asked_page = data.pop("page", [""])[-1]  # read here: its bounds depend on the page size
    form = SearchForm(data, labelled=True)
    fields = {} if form.is_valid() else form.error_fields()
    size, size_error = _page_size(request.GET.get("page_size"))
    if size_error:
        fields["page_size"] = [size_error]
    number = _page_number(asked_page, _last_page(size))
    if number is None:
        bounds = {"size": size, "last": _last_page(size)}
        fields["page"] = [gettext("Pages go from 1 to %(last)d at %(size)d results a page.") % bounds]
    if fields:
        raise DomainError(Errors.VALIDATION, details={"fields": fields})
    assert number is not None
    kwargs = {**form.request_kwargs(), "limit": size, "offset": (number - 1) * size}
    page = services.search(request.user, kwargs)
    told = hints.for_page(request.user, kwargs, page, number)
    return {
        "query": page.query,
        "total": page.results.total,
        "page": number,
        "page_size": size,
        "pages": min(_last_page(size), -(-page.results.total // size)),
        "sort": "newest" if listed_by_date(kwargs["query"], kwargs["newest"]) else "relevance",
        "results": [
            {
                **_hit_out(h),
                "lexical_score": None if h.lexical_score is None else round(h.lexical_score, 4),
                "semantic_similarity": None if h.semantic_similarity is None else round(h.semantic_similarity, 4),
                "fused_score": None if h.fused_score is None else round(h.fused_score, 4),
                "context_similarity": None if h.context_similarity is None else round(h.context_similarity, 4),
                "whole_query_bonus": h.whole_query_bonus,
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
        "did_you_mean": [{"text": h.text, "url": h.url} for h in told.did_you_mean],
        "fewer_words": told.fewer_words,
        "filtered_to_nothing": told.filtered_to_nothing,
        "some_words": page.results.partial,
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
    detail: str  # the candidate's value as stored (codes)
    detail_label: str  # the same in words, in the caller's language


class ThroughOut(Schema):
    type: str
    id: str
    title: str


class RecommendationOut(Schema):
    type: str
    id: str
    title: str
    url: str
    score: float
    components: list[ComponentOut]
    through: ThroughOut | None = Field(
        None, description="An organisation recommended through one of its records: that record (its relevance)"
    )


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
    caller may see, closest first: by `context_similarity` (the e5 cosine of the two records' passages)
    when their vectors are stored, else by `score`. 404 when the record does not exist, is not indexed
    or is hidden from the caller."""
    doc = _source(request, type_name, pk)
    hits = recommend.similar(request.user, doc)
    return {
        "type": doc.type,
        "id": doc.pk,
        # The results are in the order of `context_similarity` when the records' e5 passage vectors
        # are stored (then `score`, the first stage's, is not in order).
        "results": [
            {
                **_hit_out(h),
                "context_similarity": None if h.context_similarity is None else round(h.context_similarity, 4),
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
                            {
                                "name": c.name,
                                "label": c.label,
                                "weight": c.weight,
                                "value": c.value,
                                "detail": c.detail,
                                "detail_label": c.detail_label,
                            }
                            for c in r.components
                        ],
                        "through": None
                        if r.through is None
                        else {"type": r.through.type, "id": r.through.pk, "title": r.through.title},
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
    listing: needs, challenges and enterprises. Each result lists the components of its score:
    `score` = Σ weight × value over them, where a component whose `value` is null (one side does not
    state it) counts half its weight."""
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


class SuggestionOut(Schema):
    text: str
    kind: str
    url: str
    how: suggest_module.How  # prefix, pinyin, fuzzy or contains
    record_type: str = ""  # a title's record type (achievement, need…); "" for a keyword


class SuggestOut(Schema):
    query: str
    suggestions: list[SuggestionOut]


@router.get("/search/suggest", response=SuggestOut, summary="Suggestions as you type")
def suggest(request: HttpRequest, q: str = "") -> dict[str, Any]:
    """Keywords and titles of public records matching `q` by prefix, by pinyin (homophone typos),
    for Latin words within edit distance 1–2, or holding `q` inside. `how` says which: prefix,
    pinyin, fuzzy or contains. As the user types: a `q` longer than the search's 200 characters is
    cut, not refused."""
    query = q.strip()[: services.MAX_QUERY_CHARS]
    found = suggest_module.suggest(query) if query else []
    return {"query": query, "suggestions": [dataclasses.asdict(s) for s in found]}


# --- subscriptions (one's own only) -------------------------------------------------------------


class SubscriptionOut(Schema):
    id: int
    name: str
    kind: SearchSubscription.Kind
    query: str
    types: list[str]
    terms: dict[str, list[str]]
    ranges: dict[str, list[float | None]]
    frequency: SearchSubscription.Frequency
    active: bool
    created_at: datetime.datetime
    search_url: str

    @staticmethod
    def resolve_search_url(obj: SearchSubscription) -> str:
        return subscriptions.search_url(obj)


class SubscriptionIn(Schema):
    name: str = Field("", max_length=100)
    kind: SearchSubscription.Kind = SearchSubscription.Kind.SEARCH
    query: str = Field("", max_length=services.MAX_QUERY_CHARS)
    types: list[str] = Field(default_factory=list, max_length=20)
    terms: dict[str, list[str]] = Field(default_factory=dict)
    ranges: dict[str, list[float | None]] = Field(default_factory=dict)
    frequency: SearchSubscription.Frequency = SearchSubscription.Frequency.DAILY


class SubscriptionPatch(Schema):
    name: str | None = Field(None, max_length=100)
    frequency: SearchSubscription.Frequency | None = None
    active: bool | None = None


@router.get("/search/subscriptions", response=list[SubscriptionOut], summary="My subscriptions")
@paginate(PageNumberPagination)
def list_subscriptions(request: HttpRequest) -> QuerySet[SearchSubscription]:
    return subscriptions.subscriptions_of(require_user(request))


@router.post("/search/subscriptions", response={201: SubscriptionOut}, summary="Save a search or interest profile")
def create_subscription(request: HttpRequest, payload: SubscriptionIn) -> tuple[int, SearchSubscription]:
    """`terms` are keyword filters and regions ({"plan_industry": ["new_energy"], "region": ["36"]}),
    `ranges` are [min, max] of trl, price or year, within the search page's limits (a bound outside
    them is refused: 422 under `ranges.<name>`, naming the filter and quoting the bound). Spaces in
    `query` separate alternatives; a record matches when it contains every word of one of them. Each
    matching new or changed record is notified once."""
    user = require_user(request)
    criteria = subscriptions.clean_criteria(
        query=payload.query, type_names=payload.types, terms=payload.terms, ranges=payload.ranges
    )
    sub = subscriptions.create_subscription(
        actor=user, name=payload.name, criteria=criteria, kind=payload.kind, frequency=payload.frequency
    )
    return 201, sub


@router.patch("/search/subscriptions/{subscription_id}", response=SubscriptionOut, summary="Rename, pause or resume")
def update_subscription(request: HttpRequest, subscription_id: int, payload: SubscriptionPatch) -> SearchSubscription:
    return subscriptions.update_subscription(
        actor=require_user(request),
        subscription_id=subscription_id,
        name=payload.name,
        frequency=payload.frequency,
        active=payload.active,
    )


@router.delete("/search/subscriptions/{subscription_id}", response={204: None}, summary="Delete a subscription")
def delete_subscription(request: HttpRequest, subscription_id: int) -> tuple[int, None]:
    subscriptions.delete_subscription(actor=require_user(request), subscription_id=subscription_id)
    return 204, None


class ClassifyIn(Schema):
    title: str = Field("", max_length=4000, description="Title or name of the record")
    text: str = Field("", max_length=20000, description="Abstract or description")


class ClassSuggestionOut(Schema):
    value: str
    label: str
    confidence: float


class ClassifyOut(Schema):
    discipline: list[ClassSuggestionOut]
    industry: list[ClassSuggestionOut]
    emerging_industry: list[ClassSuggestionOut]
    outside: dict[str, float] = Field(
        description="For industry and emerging_industry: the probability that the text belongs to none of "
        "their values, when that is the model's first answer (the suggestions are then only the closest); "
        "0 otherwise"
    )


@router.post("/classify", response=ClassifyOut, summary="Suggest discipline and industry for a text")
def classify(request: HttpRequest, payload: ClassifyIn) -> dict[str, Any]:
    """Top-3 disciplines (学科, the achievement form's values), action-plan industries (PlanIndustry
    codes) and strategic emerging industries (EmergingIndustry codes) with confidences 0–1, from the
    shipped classifiers. Login or token required. Texts shorter
    than 4 characters give empty lists, and so do the industries of a text with fewer than 4
    distinct Chinese characters (their models read Chinese only)."""
    require_user(request)
    from techtransfer.search import classifier

    result, outside = classifier.assess(payload.title, payload.text)
    return {**{key: [vars(s) for s in items] for key, items in result.items()}, "outside": outside}
