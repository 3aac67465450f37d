"""What a results page says about its question beyond the results: "did you mean" (suggestions, a
mistyped look-alike character), the fewer words that find something, whether the filters emptied
it, whether what it lists was found by meaning alone. The search page and `GET /api/v1/search`
give the same hints."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from techtransfer.search import services, text
from techtransfer.search import suggest as suggest_module

DID_YOU_MEAN = 3  # offers at most


@dataclass
class Hints:
    did_you_mean: list[suggest_module.Suggestion]  # .text, and .url for a record's title
    fewer_words: list[str]  # questions of fewer words that find something
    filtered_to_nothing: bool  # the filters emptied a question that finds records without them
    by_meaning_only: bool  # a short question no record holds enough words of: listed by meaning


def for_page(user: Any, kwargs: Mapping[str, Any], page: services.SearchPage, number: int) -> Hints:
    """The hints of results page `number` of `page`, searched for `user` with `kwargs`
    (`SearchForm.request_kwargs`). Each asks the engine again only where the page needs it: an
    empty page, a question of one word, a short question found by meaning alone."""
    query = kwargs["query"]
    filtered = bool(kwargs["type_names"] or kwargs["terms"] or kwargs["ranges"])
    no_hits = bool(not page.results.total and query.strip())
    # Nothing found: what the suggestions make of the question (a pinyin or a typo: xitu → 稀土). Not
    # when filters narrowed a question that finds records without them down to nothing: the question
    # is right, a filter is the cause. With filters and a question that finds nothing without them
    # either (稀士 among achievements), the question is what to correct.
    question_finds = filtered and no_hits and bool(services.count(user, query, kwargs["mode"]))
    hinted = not filtered or (no_hits and not question_finds)
    did_you_mean = (
        # The look-alikes records hold are asked for below, with the visitor's visibility, not twice.
        suggest_module.suggest(query, DID_YOU_MEAN + 1, look_alikes=False) if no_hits and hinted else []
    )
    # One look-alike character mistyped (稀士 → 稀土): first, as records hold it. Also above what a
    # question of one word found by its parts (锂离了电池: 锂离 or 电池), when no record holds it whole.
    if hinted and number == 1 and query.strip():
        alike = services.look_alike_questions(user, query, found=not no_hits)
        offered = [suggest_module.Suggestion(v, "keyword", "", "fuzzy") for v in alike]
        did_you_mean = offered + [s for s in did_you_mean if s.url or s.text not in alike]
    # Never the question itself: its link would open this same empty page.
    question = text.normalise(query).strip()
    did_you_mean = [s for s in did_you_mean if s.url or text.normalise(s.text).strip() != question]
    by_meaning_only = bool(
        page.results.hits
        and text.key_words(query)[1]
        and all(h.lexical_score is None for h in page.results.hits)
        and number == 1
        and kwargs["mode"] != "semantic"  # there, every record is found by meaning
        # Newest first carries no word scores: its records are not "found by meaning" for that.
        and not kwargs.get("newest")
    )
    # A short question whose words no record holds together: the fewer words that find something.
    # Also when only meaning found something (锂电池 回收), or records holding some of its words
    # (中药提取): the note under it advises fewer words.
    partial = page.results.partial  # the words of some records: no record holds most of them
    fewer = (
        services.fewer_words(user, query, kwargs["mode"]) if (no_hits or by_meaning_only or partial) and hinted else []
    )
    return Hints(
        did_you_mean=did_you_mean[:DID_YOU_MEAN],
        fewer_words=fewer,
        filtered_to_nothing=bool(no_hits and filtered and question_finds),
        by_meaning_only=by_meaning_only,
    )
