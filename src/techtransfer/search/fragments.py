"""The search page's form and results, written as HTML in Python.

They were templates (`_search_body.html`, `_results.html`, with `web/_pagination.html`); rendering
them took about 2.3 ms of the 13.7 ms an uncached page cost (in-process, distinct long questions),
more than the word search itself: some 30 tags, each resolved through the template context. Built
here, with the same markup and the same translatable strings, the page costs 1.5 ms less (bench/README
"Session 19"). Every value is escaped here (`escape`), as the templates' autoescaping did; the few
strings that hold markup are the ones built escaped by the view (hits, facets, the filters block).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.defaultfilters import urlencode
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from techtransfer.core.wording import colon_gap, list_separator
from techtransfer.search.forms import SearchForm, copy_query, query_string
from techtransfer.web.templatetags.here import here


@functools.lru_cache(maxsize=64)
def _reversed(name: str, prefix: str) -> str:
    return reverse(name)


def url(name: str) -> str:
    """`reverse(name)` for a URL without arguments, remembered per script prefix."""
    return _reversed(name, get_script_prefix())


@dataclass
class Results:
    """What the results fragment shows (built by the view)."""

    query: str
    total: int
    hits_html: str  # escaped by the view
    facets_html: str  # escaped by the view
    active_filters: list[tuple[str, str]]  # (label, link that removes it)
    filtered: bool
    sort_links: list[tuple[str, str, bool]] | None
    did_you_mean: Sequence[Any]  # suggestions: .text, .url
    filtered_to_nothing: bool
    by_meaning_only: bool
    no_words: bool
    latin_only: bool
    meaning_depth: int | None
    can_subscribe: bool
    page_number: int
    page_count: int
    page_note: str
    ignored_filters: str
    capped: bool
    max_page: int
    fewer_words: Sequence[str] = ()  # questions of fewer words that find something
    some_words: bool = False  # no record holds most of the question's words: these hold some of them


def _search_link(query: str) -> str:
    return f"{url('search:search')}?q={escape(urlencode(query))}"


def _clear_filters(query: str, element_id: str = "", *, plain: bool = False) -> str:
    """The link back to the question without filters: beside the facets (`element_id`), above the
    hits on a phone, or `plain` in a sentence."""
    attributes = " " if plain else ' class="small" ' if element_id else ' class="small ms-1 d-lg-none" '
    ident = f' id="{element_id}"' if element_id else ""
    label = escape(_("Clear filters"))
    return f'<a{attributes}href="{_search_link(query)}"{ident}>{label}</a>'


def results_html(request: HttpRequest, r: Results) -> str:
    """The hits with their count, order and notes, the facets, and the pagination."""
    refine = escape(_("Refine"))
    results_title = _("Results")
    aside = ""
    if r.facets_html or r.filtered:
        clear = _clear_filters(r.query, "clear-filters") if r.filtered else ""
        aside = (
            '<button class="btn btn-outline-secondary btn-sm d-lg-none mb-2" type="button" data-bs-toggle="collapse"'
            ' data-bs-target="#facets" aria-expanded="false" aria-controls="facets" id="facets-toggle">'
            f"{refine}</button>"
            '<div class="collapse d-lg-block" id="facets">'
            f'<h2 class="h6 d-none d-lg-block" id="facet-title">{refine}</h2>'
            f"{r.facets_html}{clear}</div>"
        )
    parts = [
        f'<div class="row g-2 g-lg-4"><aside class="col-lg-3" aria-label="{refine}">{aside}</aside>',
        '<section class="col-lg-9" aria-labelledby="results-title">'
        f'<h2 class="visually-hidden" id="results-title">{escape(results_title)}</h2>',
    ]
    if r.active_filters:
        remove = _("Remove filter %(value)s")
        chips = "".join(
            f'<a class="btn btn-sm btn-outline-secondary py-0" href="{escape(href)}"'
            f' title="{escape(remove % {"value": label})}">{escape(label)} ×</a>'
            for label, href in r.active_filters
        )
        clear = _clear_filters(r.query) if len(r.active_filters) > 1 else ""
        parts.append(
            f'<div class="d-flex flex-wrap align-items-center gap-1 mb-2" id="active-filters">{chips}{clear}</div>'
        )
    count = ngettext("%(n)s result", "%(n)s results", r.total) % {"n": r.total}
    bar = [f'<p class="text-muted mb-0" id="result-count">{escape(count)}</p>']
    if r.sort_links and r.total > 1:
        links = " · ".join(
            f'<strong aria-current="true">{escape(label)}</strong>'
            if current
            else f'<a href="{escape(href)}">{escape(label)}</a>'
            for label, href, current in r.sort_links
        )
        order = escape(_("Order"))
        bar.append(f'<nav class="small" id="result-order" aria-label="{order}">{links}</nav>')
    elif r.total > 1 and not r.sort_links:
        newest = escape(_("Newest first"))
        bar.append(f'<span class="small text-muted" id="result-order">{newest}</span>')
    if not r.can_subscribe:
        pass
    elif request.user.is_authenticated:
        action = f"{url('search:subscription_save')}?{escape(query_string(request.GET))}"
        notify = escape(_("Notify me of new matches"))
        bar.append(
            f'<form method="post" action="{action}" id="subscribe-form">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(get_token(request))}">'
            f'<button class="btn btn-outline-primary btn-sm" type="submit">{notify}</button>'
            "</form>"
        )
    else:
        login = f"{url('login')}?next={escape(urlencode(here(request)))}"
        label = escape(_("Log in to subscribe"))
        bar.append(f'<a class="btn btn-outline-primary btn-sm" href="{login}">{label}</a>')
    parts.append(
        f'<div class="d-flex flex-wrap justify-content-between align-items-center gap-2 mb-2">{"".join(bar)}</div>'
    )
    if r.did_you_mean:
        sep = escape(list_separator())
        links = sep.join(
            f'<a href="{escape(s.url) if s.url else _search_link(s.text)}">{escape(s.text)}</a>' for s in r.did_you_mean
        )
        asked = escape(_("Did you mean:"))
        parts.append(f'<p id="did-you-mean">{asked}{escape(colon_gap())}{links}</p>')
    if r.fewer_words:
        links = escape(list_separator()).join(f'<a href="{_search_link(q)}">{escape(q)}</a>' for q in r.fewer_words)
        fewer = escape(_("No record contains all of these words. Fewer words find these:"))
        parts.append(f'<p id="fewer-words">{fewer}{escape(colon_gap())}{links}</p>')
    if r.some_words:
        note = _("No record holds most of the words of the question: these hold some of them, best matches first.")
        parts.append(f'<p class="text-muted small" id="some-words">{escape(note)}</p>')
    if r.by_meaning_only:
        note = _(
            "No record holds most of the words of the question: these are close to it in meaning. A shorter"
            " question (fewer words) finds records by their words."
        )
        parts.append(f'<p class="text-muted small" id="by-meaning-only">{escape(note)}</p>')
    if r.no_words:
        note = _(
            "The question has nothing to search for: symbols and very common words such as 的 or 了 are not"
            " searched on their own. Enter a term, for example 稀土."
        )
        parts.append(f'<p class="text-muted small" id="no-words">{escape(note)}</p>')
    if r.filtered_to_nothing:
        note = escape(_("Nothing matches your search with these filters: remove a filter to see more."))
        clear = _clear_filters(r.query, plain=True)
        parts.append(f'<p class="text-muted small" id="filtered-to-nothing">{note} {clear}</p>')
    if r.latin_only:
        note = _("Most records are written in Chinese: try the Chinese term (for example 石墨烯 for graphene).")
        parts.append(f'<p class="text-muted small" id="latin-hint">{escape(note)}</p>')
    if r.ignored_filters:
        note = _("The chosen record types do not have these filters, so they are not applied: %(names)s.") % {
            "names": escape(r.ignored_filters)
        }
        parts.append(f'<p class="alert alert-warning small search-note" role="status" id="ignored-filters">{note}</p>')
    parts.append(f'<ol class="list-unstyled" id="search-hits">{r.hits_html}</ol>')
    if r.page_note:
        parts.append(f'<p class="alert alert-info small search-note" role="status">{escape(r.page_note)}</p>')
    parts.append(pagination_html(request, r.page_number, r.page_count))
    if r.meaning_depth:
        note = _("“Meaning only” lists at most the %(n)s records closest in meaning to the question.") % {
            "n": r.meaning_depth
        }
        parts.append(f'<p class="small text-muted" id="search-meaning-only">{note}</p>')
    if r.capped and not r.page_note:  # the note above already says the pages end here
        note = _("Results can be paged through up to page %(n)s; add words or filters to narrow them.") % {
            "n": r.max_page
        }
        parts.append(f'<p class="small text-muted" id="search-capped">{note}</p>')
    parts.append("</section></div>")
    return "\n".join(parts)


def _page_link(request: HttpRequest, number: int) -> str:
    """The current query string with `page` set (what `{% querystring page=n %}` gives), escaped."""
    params = copy_query(request.GET)
    params["page"] = str(number)
    return escape(f"?{query_string(params)}")


def _page_item(href: str, label: str) -> str:
    return f'<li class="page-item"><a class="page-link" href="{href}">{escape(label)}</a></li>'


def pagination_html(request: HttpRequest, number: int, pages: int) -> str:
    """Links to the first, previous, next and last page, as `web/_pagination.html` draws them."""
    if pages <= 1:
        return ""
    items = []
    if number > 2:
        items.append((_page_link(request, 1), _("First page")))
    if number > 1:
        items.append((_page_link(request, number - 1), _("Previous")))
    position = _("Page %(n)s of %(total)s") % {"n": number, "total": pages}
    after = []
    if number < pages:
        after.append((_page_link(request, number + 1), _("Next")))
    if number < pages - 1:
        after.append((_page_link(request, pages), _("Last page")))
    links = [_page_item(href, label) for href, label in items]
    links.append(f'<li class="page-item disabled"><span class="page-link">{position}</span></li>')
    links += [_page_item(href, label) for href, label in after]
    label = escape(_("Pages"))
    return f'<nav aria-label="{label}"><ul class="pagination flex-wrap">{"".join(links)}</ul></nav>'


def body_html(request: HttpRequest, form: SearchForm, notes: Sequence[str], filters_html: str, results: str) -> str:
    """The heading, the form with the question filled in, its errors and notes, and the results."""
    search = escape(_("Search"))
    mine = ""
    if request.user.is_authenticated:
        label = escape(_("My subscriptions"))
        mine = f'<a class="small" href="{url("search:subscriptions")}" id="my-subscriptions">{label}</a>'
    placeholder = escape(_("Technology, keyword, organisation…"))
    q = form["q"]
    value = q.value() or ""
    field_id = escape(q.id_for_label)
    parts = [
        '<div class="d-flex flex-wrap justify-content-between align-items-baseline gap-2 mb-3">'
        f'<h1 class="h3 mb-0">{search}</h1>{mine}</div>',
        f'<form method="get" action="{url("search:search")}" role="search" id="search-form" class="mb-3">'
        '<div class="position-relative"><div class="input-group">'
        f'<label class="visually-hidden" for="{field_id}">{search}</label>'
        f'<input type="search" name="q" id="{field_id}" class="form-control" value="{escape(value)}" maxlength="200"'
        f' placeholder="{placeholder}" autocomplete="off" enterkeyhint="search"'
        ' role="combobox" aria-controls="suggest-list" aria-autocomplete="list" aria-expanded="false"'
        f' hx-get="{url("search:suggest")}" hx-trigger="input delay:250ms, search" hx-target="#search-suggest"'
        ' hx-sync="this:replace">'
        f'<button class="btn btn-primary" type="submit">{search}</button></div>'
        '<div id="search-suggest" class="position-absolute start-0 end-0 z-3" aria-live="polite"></div></div>',
    ]
    if form.is_bound and form.errors:  # rare: the shared template, as every other form shows them
        parts.append(render_to_string("web/_form_errors.html", {"form": form}, request=request))
    if form.wrong_values:
        href = f"{url('search:search')}?{escape(form.corrected_query())}"
        label = escape(_("Search without the unknown values"))
        parts.append(f'<p class="mt-2 mb-0"><a href="{href}" id="drop-unknown-values">{label}</a></p>')
    if form.is_bound:
        for name in ("q", "type", "page"):
            parts += [
                f'<div class="alert alert-danger mt-2 mb-0" role="alert">{escape(e)}</div>' for e in form[name].errors
            ]
    parts += [f'<div class="alert alert-info mt-2 mb-0 search-note" role="status">{escape(n)}</div>' for n in notes]
    parts.append(filters_html)
    parts += [f'<input type="hidden" name="{escape(n)}" value="{escape(v)}">' for n, v in form.carried_values()]
    parts.append("</form>")
    parts.append(f'<div id="search-results">{results}</div>')
    return "\n".join(parts)
