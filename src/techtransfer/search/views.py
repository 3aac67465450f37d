"""The search page: one box over every registered record type, with facets and counts."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from techtransfer.search import recommend, services
from techtransfer.search import suggest as suggest_module
from techtransfer.search.forms import MAX_PAGE, SearchForm


@dataclass
class _Paginator:
    num_pages: int
    count: int


@dataclass
class ResultPage:
    """Just enough of Django's Page for web/_pagination.html."""

    number: int
    paginator: _Paginator

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.paginator.num_pages

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    context: dict[str, object] = {"form": form}
    if form.is_bound and form.is_valid():
        kwargs = form.request_kwargs()
        result = services.search(request.user, kwargs)
        number = kwargs["offset"] // services.PAGE_SIZE + 1
        pages = min(MAX_PAGE, max(1, -(-result.results.total // services.PAGE_SIZE)))
        context.update(result=result, page=ResultPage(number, _Paginator(pages, result.results.total)))
    status = 400 if form.is_bound and not form.is_valid() else 200
    template = "search/_results.html" if request.headers.get("HX-Request") else "search/search.html"
    return render(request, template, context, status=status)


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
    return render(request, "search/_suggest.html", {"suggestions": suggestions, "query": query})
