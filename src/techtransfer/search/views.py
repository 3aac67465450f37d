"""The search page: one box over every registered record type, with facets and counts."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Sequence
from html import escape

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.defaultfilters import urlencode
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from techtransfer.core.wording import clause_separator, colon_gap, labelled, list_separator, record_lang, run_in_list
from techtransfer.search import fragments, hints, recommend, services, text
from techtransfer.search import suggest as suggest_module
from techtransfer.search.backends.base import SearchHit
from techtransfer.search.backends.tantivy_backend import shown_terms
from techtransfer.search.forms import (
    MAX_PAGE,
    SORTS,
    SearchForm,
    asked_page,
    copy_query,
    filter_label,
    lenient_data,
    page_count,
    query_string,
)
from techtransfer.search.permissions import visibility_for
from techtransfer.search.registry import types

# The rendered results (hits, facets, pagination), and the page body around them (the filled-in
# form), are cached for this many seconds under a key of the caller's visibility tokens, the query
# string, the language and the index's commit stamp, so a commit to the index (any change applied
# by the worker, or a rebuild) starts a new key.
RESULTS_CACHE_SECONDS = 10
FACET_VALUES = 12  # values shown per facet
FACET_MORE = 30  # values behind its "more" switch
# The form's "More filters" fields (all but the question, the record types and the page).
FILTER_FIELDS = [name for name in SearchForm.base_fields if name not in ("q", "type", "page", "sort")]
FILTERS_CACHE_SECONDS = 300
# English words (letters, spaces, hyphens): not a model number or a code (ABC123, 5G), which is no
# question of language.
_LATIN_ONLY = re.compile(r"[A-Za-z][A-Za-z \-]*")
FacetLink = tuple[str, int, str | None, bool]  # label, count, link, selected (its link removes it)

# Facet values repeat from page to page (disciplines, industries, …): each is percent-encoded once
# per process rather than some 75 times a page.
_quoted = functools.lru_cache(maxsize=4096)(urlencode)


def _cache_key(request: HttpRequest, part: str) -> str:
    visibility = ",".join(sorted(visibility_for(request.user)))
    # Signed-in users get a form with their CSRF token in the fragment: key on the token's cookie too.
    csrf = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "") if request.user.is_authenticated else ""
    parts = (
        part, str(settings.SEARCH_INDEX_DIR), services.index_stamp(), visibility, csrf, get_language() or "",
        query_string(request.GET),
    )  # fmt: skip
    raw = "|".join(parts)
    return f"search:{part}:" + hashlib.sha256(raw.encode()).hexdigest()


def _cached(request: HttpRequest, part: str, build: Callable[[], str]) -> str:
    """`build()`, or what it gave for the same caller class, question, language and index version
    in the last RESULTS_CACHE_SECONDS. (Not `get_or_set`: after a miss it stores the page with `add`
    and reads it back, a second copy of some 30 KB, for every new question.)"""
    key = _cache_key(request, part)
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, RESULTS_CACHE_SECONDS)
    return str(found)


def _fixed(value: float, places: int) -> str:
    """`value` with `places` decimals, as `floatformat` shows it in both languages (a decimal point,
    no grouping), at a tenth of its cost: a results page formats some 60 such numbers."""
    return f"{value:.{places}f}"


def _why_words() -> dict[str, str]:
    """The translated parts of a "why" line, looked up once per page rather than once per hit."""
    return {
        "why": _("Why this result:"),
        "matches": _("matches"),
        "meaning": _("meaning similarity %(sim)s"),
        "scores": _("word score %(bm25)s, combined %(score)s"),
        "bonus": _("%(score)s (%(bonus)s of it for holding the whole question)"),
        "context": _("re-ranked by context similarity %(sim)s"),
        # Punctuation: Chinese runs on with full-width signs, English with a space after each.
        "gap": colon_gap(),
        "semi": clause_separator(),
        "sep": list_separator(),
    }


def why_line(hit: SearchHit, words: dict[str, str] | None = None) -> str:
    """The "why this result" line of a hit: the matched terms and the parts of the score, in the
    user's language (`words`: `_why_words()` of the page, when the caller has it).

    Built here rather than in the template: with translation tags inside the loop over 20 hits the
    results fragment took a third longer to render."""
    if not hit.matched_terms and hit.semantic_similarity is None:
        return ""
    words = words or _why_words()
    terms = shown_terms(hit.snippet, hit.matched_terms)
    parts = [f"{words['matches']} {words['sep'].join(terms)}"] if terms else []
    if hit.semantic_similarity is not None:
        parts.append(words["meaning"] % {"sim": _fixed(hit.semantic_similarity, 2)})
    line = words["why"] + words["gap"] + words["semi"].join(parts)
    if hit.fused_score is not None and hit.lexical_score is not None:
        scores = {"bm25": _fixed(hit.lexical_score, 1), "score": _fixed(hit.fused_score, 2)}
        if hit.whole_query_bonus:  # the combined score may then exceed 1: say why
            scores["score"] = words["bonus"] % {**scores, "bonus": _fixed(hit.whole_query_bonus, 2)}
        line += " · " + words["scores"] % scores
    if hit.context_similarity is not None:
        line += " · " + words["context"] % {"sim": _fixed(hit.context_similarity, 2)}
    return line


def _without(base: QueryDict, name: str, value: str) -> str:
    """ "?" + `base` without the pair `name`=`value` (the link that removes one selected value)."""
    rest = copy_query(base)
    rest.setlist(name, [v for v in base.getlist(name) if v != value])
    qs = query_string(rest)
    return f"?{qs}" if qs else "?"


def facet_links(facet: services.Facet, base_qs: str, base: QueryDict | None = None) -> list[FacetLink]:
    """(label, count, link) of every value of a facet, selected ones first: the link of a value adds it
    to the query string `base_qs`; that of a selected value removes it (from `base`, the same query
    string as a QueryDict). A selected value without results is listed too, with 0."""
    name = _quoted(facet.name)
    selected: list[FacetLink] = []
    others: list[FacetLink] = []
    for value, label, count in facet.values:
        if value in facet.selected:
            selected.append((label, count, _without(base, facet.name, value) if base is not None else None, True))
        elif len(others) < FACET_VALUES + FACET_MORE:
            others.append((label, count, f"?{base_qs}&{name}={_quoted(value)}", False))
    counted = {value for value, _label, _count in facet.values}
    if any(value not in counted for value in facet.selected):
        label_of = services.value_labeller(facet.name)
        for value in facet.selected:
            if value not in counted:
                href = _without(base, facet.name, value) if base is not None else None
                selected.append((label_of(value), 0, href, True))
    return selected + others


def active_filters(
    facets: Sequence[tuple[services.Facet, list[FacetLink]]], type_links: Sequence[FacetLink]
) -> list[tuple[str, str]]:
    """(facet label: value label, link that removes it) of each selected value: shown above the hits
    on every screen (on a phone the facets are folded away)."""
    record_type = _("Record type")
    out = [(labelled(record_type, label), href) for label, _count, href, chosen in type_links if chosen and href]
    for facet, links in facets:
        out += [(labelled(facet.label, label), href) for label, _count, href, chosen in links if chosen and href]
    return out


def range_chips(
    base: QueryDict, ranges: dict[str, tuple[float | None, float | None]], regions: Sequence[str] = ()
) -> list[tuple[str, str]]:
    """(label, link that removes it) of the region and of each range filter ("TRL: ≥ 6"): shown
    beside the facet chips, so every filter that narrows the results can be removed in one click.
    `regions`: the region filter's code prefixes, shown by name (36 → 江西省)."""
    out = []
    if regions:
        names = services.region_labels(regions)
        shown = run_in_list(names.get(code, code) for code in regions)
        out.append((labelled(_("Region"), shown), _without_params(base, ["region"])))
    for name, (lo, hi) in ranges.items():
        label = filter_label(name)
        out.append(
            (labelled(label, services.range_text(lo, hi)), _without_params(base, [f"{name}_min", f"{name}_max"]))
        )
    return out


def unshown_facet_chips(base: QueryDict, terms: dict[str, list[str]], shown: set[str]) -> list[tuple[str, str]]:
    """Chips of the facet filters the page has no facet for (the chosen record types lack them:
    they are not applied, and the note says so), each removable like the others."""
    out = []
    for name, values in terms.items():
        if name == "region" or name in shown or not values:
            continue
        label = services.value_labeller(name)
        shown_values = run_in_list(label(v) for v in values)
        out.append((labelled(filter_label(name), shown_values), _without_params(base, [name])))
    return out


def _without_params(base: QueryDict, names: Sequence[str]) -> str:
    rest = copy_query(base)
    for name in names:
        rest.pop(name, None)
    qs = query_string(rest)
    return f"?{qs}" if qs else "?"


def hits_html(hits: Sequence[SearchHit]) -> str:
    """The result list's items. Built in Python like the facets below: as template loops, the hits
    and the facet lists (some 120 values, links and counts a page) were a quarter of an uncached page."""
    if not hits:
        nothing = escape(_("Nothing found."))
        return f"<li>{nothing}</li>"
    not_public = escape(_("Not public"))
    badge = f' <span class="badge text-bg-warning search-not-public">{not_public}</span>'
    words = _why_words()
    items = []
    for hit in hits:
        why = why_line(hit, words)
        items.append(
            '<li class="border-bottom pb-2 mb-3">'
            f'<h3 class="h6 mb-1"><a href="{escape(hit.url)}"{record_lang(hit.title)}>{escape(hit.title)}</a>'
            f"{'' if hit.public else badge}</h3>"
            f'<p class="small mb-1"{record_lang(hit.snippet)}>{hit.snippet}</p>'  # escaped by highlight(), with <mark>
            + (f'<p class="small text-muted mb-0 search-why">{escape(why)}</p>' if why else "")
            + "</li>"
        )
    return "\n".join(items)


def _facet_item(label: str, count: int, href: str | None, chosen: bool, remove: str, adds: str = "") -> str:
    """One value of a facet. `adds`: the facet has a chosen value, so this one's link adds its records
    to those (any of the values): its count is shown as what it adds, "+18", not as a total."""
    if adds and not chosen:
        title = escape(adds % {"n": count})
        badge = f' <span class="badge text-bg-light" title="{title}">+{count}</span>'
    else:
        badge = f' <span class="badge text-bg-light">{count}</span>'
    if chosen and href:
        title = escape(remove % {"value": label})
        return (
            f'<li><a class="fw-bold text-decoration-none facet-selected" href="{escape(href)}" title="{title}"'
            f' aria-label="{title}">{escape(label)} ×</a>{badge}</li>'
        )
    if chosen or not href:
        return f"<li><strong>{escape(label)}</strong>{badge}</li>"
    return f'<li><a href="{escape(href)}">{escape(label)}</a>{badge}</li>'


def _facet_block(element_id: str, label: str, links: Sequence[FacetLink], words: dict[str, str]) -> str:
    adds = words["adds"] if any(chosen for _label, _count, _href, chosen in links) else ""
    items = [_facet_item(*link, words["remove"], adds) for link in links]
    shown, rest = items[:FACET_VALUES], items[FACET_VALUES:]
    more = (
        f'<details class="small"><summary>{escape(words["more"] % {"n": len(rest)})}</summary>'
        f'<ul class="list-unstyled mb-0">{"".join(rest)}</ul></details>'
        if rest
        else ""
    )
    return (
        f'<div class="mb-3" id="{escape(element_id)}"><h3 class="small fw-bold mb-1">{escape(label)}</h3>'
        f'<ul class="list-unstyled small mb-0">{"".join(shown)}</ul>{more}</div>'
    )


def facets_html(type_links: Sequence[FacetLink], facets: Sequence[tuple[services.Facet, list[FacetLink]]]) -> str:
    """The record-type counts and every facet's values with their counts and links."""
    words = {
        "remove": _("Remove filter %(value)s"),
        "more": _("%(n)d more"),
        "adds": _("Results it adds: up to %(n)d"),
    }
    record_type = _("Record type")
    # A record type's link shows that type instead of the chosen one: its count is its own total.
    blocks = [_facet_block("facet-type", record_type, type_links, {**words, "adds": ""})] if type_links else []
    blocks += [_facet_block(f"facet-{facet.name}", facet.label, links, words) for facet, links in facets if links]
    return "\n".join(blocks)


def _render_results(request: HttpRequest, form: SearchForm, data: QueryDict) -> str:
    """The results (hits, facets, pagination) of a valid form (bound to `data`), rendered."""
    kwargs = form.request_kwargs()
    result = services.search(request.user, kwargs)
    number = kwargs["offset"] // services.PAGE_SIZE + 1
    pages = max(1, page_count(result.results.total))  # an empty list is one page
    page_note = ""
    asked = max(number, asked_page(request.GET))  # page=99 was brought to MAX_PAGE by lenient_data
    if asked > MAX_PAGE and pages == MAX_PAGE:  # there are more pages than can be shown
        page_note = _("Only the first %(n)s pages of results can be shown.") % {"n": MAX_PAGE}
    elif asked > pages:  # a page beyond the results: the last one instead
        page_note = _("There is no page %(n)d; this is the last page.") % {"n": asked}
    if number > pages:
        number = pages
        result = services.search(request.user, {**kwargs, "offset": (pages - 1) * services.PAGE_SIZE})
    # Facet links keep the current query string without the page (built once, not per link).
    base = copy_query(data)
    base.pop("page", None)
    type_base = copy_query(base)
    type_base.pop("type", None)
    base_qs = query_string(base)
    type_base_qs = query_string(type_base)
    type_prefix = f"?{type_base_qs}&type=" if type_base_qs else "?type="
    chosen_types = set(base.getlist("type"))
    type_links: list[FacetLink] = [
        (label, count, _without(base, "type", value), True)
        if value in chosen_types
        else (label, count, type_prefix + _quoted(value), False)
        for value, label, count in result.type_counts
    ]
    # A chosen type without results keeps its chip (and its link to remove it), with 0.
    counted_types = {value for value, _label, _count in result.type_counts}
    type_labels = {name: str(st.label) for name, st in types().items()}
    type_links += [
        (type_labels[value], 0, _without(base, "type", value), True)
        for value in dict.fromkeys(base.getlist("type"))
        if value in type_labels and value not in counted_types
    ]
    facet_blocks = [
        (facet, facet_links(facet, base_qs, base)) for facet in result.facets if facet.values or facet.selected
    ]
    # Best first or newest first (links keep everything else; a question-less list is by date only).
    unsorted = copy_query(base)
    unsorted.pop("sort", None)
    plain = query_string(unsorted)
    chosen_sort = "newest" if kwargs["newest"] else "relevance"
    sort_links = [
        (str(label), f"?{plain}" if value == "relevance" else f"?{plain}&sort={value}", value == chosen_sort)
        for value, label in SORTS
    ]
    filtered = bool(kwargs["type_names"] or kwargs["terms"] or kwargs["ranges"])
    no_hits = not result.results.total and kwargs["query"].strip()
    told = hints.for_page(request.user, kwargs, result, number)
    shown = fragments.Results(
        query=result.query,
        total=result.results.total,
        hits_html=hits_html(result.results.hits),
        facets_html=facets_html(type_links, facet_blocks),
        active_filters=active_filters(facet_blocks, type_links)
        + range_chips(base, kwargs["ranges"], kwargs["terms"].get("region", []))
        + unshown_facet_chips(base, kwargs["terms"], {facet.name for facet, _links in facet_blocks}),
        filtered=filtered,
        sort_links=sort_links if text.positive_query(kwargs["query"]).strip() else None,
        did_you_mean=told.did_you_mean,
        fewer_words=told.fewer_words,
        filtered_to_nothing=told.filtered_to_nothing,
        # A short question whose words no record holds enough of: what is listed was found by meaning.
        by_meaning_only=told.by_meaning_only,
        some_words=result.results.partial and bool(result.results.hits),
        # A question with nothing to search for (的, symbols): say why nothing is listed.
        no_words=bool(
            no_hits and not text.query_tokens(kwargs["query"]) and not text.split_exclusions(kwargs["query"])[1]
        ),
        # An English question that found nothing (and no pinyin of a known term): the records are
        # mostly written in Chinese.
        latin_only=not result.results.total
        and not told.did_you_mean
        and bool(_LATIN_ONLY.fullmatch(text.fold(kwargs["query"]).strip())),  # ｇｒａｐｈｅｎｅ too
        # "Meaning only" lists the records nearest in meaning, up to the backend's depth (unless the
        # question had no known word and the words answered instead).
        meaning_depth=services.meaning_depth()
        if kwargs["mode"] == "semantic" and any(h.semantic_similarity is not None for h in result.results.hits)
        else None,
        # Something to match: a saved search of everything would notify of every new record.
        # (A question of symbols or exclusions only has no words to match: it is not offered.)
        can_subscribe=bool(
            text.query_tokens(kwargs["query"]) or kwargs["type_names"] or kwargs["terms"] or kwargs["ranges"]
        ),
        page_number=number,
        page_count=pages,
        page_note=page_note,
        # Filters the chosen record types do not have (a TRL for organisations): ignored, and said so.
        ignored_filters=run_in_list(
            services.inapplicable_filters(kwargs["type_names"], [*kwargs["terms"], *kwargs["ranges"]])
        ),
        capped=result.results.total > MAX_PAGE * services.PAGE_SIZE,
        max_page=MAX_PAGE,
    )
    return fragments.results_html(request, shown)


def _filters_html(request: HttpRequest, form: SearchForm) -> str:
    """The "More filters" block of the form. Unless the query string fills one of its fields, or the
    form has errors, it is the same for every question: rendered once per language and kept for
    FILTERS_CACHE_SECONDS (it was a fifth of an uncached page)."""

    def build() -> str:
        return render_to_string("search/_filters.html", {"form": form}, request=request)

    if form.errors or any(request.GET.get(name) for name in FILTER_FIELDS):
        return build()
    html = cache.get_or_set(f"search:filters:{get_language() or ''}", build, FILTERS_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 (our own template)


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    data, notes = lenient_data(request.GET)
    form = SearchForm(data or None)
    valid = form.is_bound and form.is_valid()
    status = 400 if form.is_bound and not valid else 200

    def results() -> str:
        return _render_results(request, form, data) if valid else ""

    if request.headers.get("HX-Request"):  # the results alone, cached on their own
        return HttpResponse(_cached(request, "results", results) if valid else "", status=status)

    def body() -> str:
        # The form with the question filled in, and the results; the page around it (navigation,
        # CSRF token, messages) is rendered for every request. (The results are not cached apart
        # here: no page of the site asks for them alone, and storing a copy cost every new question.)
        return fragments.body_html(request, form, notes, _filters_html(request, form), results())

    body_html = _cached(request, "page", body) if valid else body()
    return render(
        request,
        "search/search.html",
        # The question in the window title: tabs and the browser's history tell searches apart.
        {"body_html": mark_safe(body_html), "query": data.get("q", "").strip()},  # noqa: S308 (our own template)
        status=status,
    )


@require_GET
def similar_panel(request: HttpRequest, type_name: str, pk: str) -> HttpResponse:
    """ "More like this" for any indexed record (loaded lazily by its detail page); 404 when hidden."""
    doc = recommend.source_document(request.user, type_name, pk)
    if doc is None:
        raise Http404
    return render(request, "search/_similar.html", {"source": doc, "hits": recommend.similar(request.user, doc)})


@require_GET
def recommend_panel(request: HttpRequest, type_name: str, pk: str) -> HttpResponse:
    """Recommended matches of a need, achievement or listing, with every part of the score shown."""
    doc = recommend.source_document(request.user, type_name, pk)
    if doc is None or type_name not in recommend.TARGETS:
        raise Http404
    groups = recommend.recommend(request.user, doc)
    any_items = any(g.items for g in groups)
    return render(request, "search/_recommendations.html", {"source": doc, "groups": groups, "any_items": any_items})


def suggest(request: HttpRequest) -> HttpResponse:
    """Suggestions for the search box as one types (htmx fragment); public records only."""
    query = request.GET.get("q", "").strip()
    suggestions = suggest_module.suggest(query) if query else []
    # A title says what kind of record it opens (成果, 需求…); "record" when the type is unknown.
    labels = {name: str(st.label) for name, st in types().items()}
    shown = [(s, labels.get(s.record_type, "")) for s in suggestions]
    return render(request, "search/_suggest.html", {"suggestions": shown, "query": query})
