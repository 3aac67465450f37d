"""Matching supply with demand, and "more like this".

Both start from the *document* of a record, as its app's `search.py` declares it (the same text and
filters the index holds), never from domain models: the search app stays independent of the apps.

- `similar(user, type, pk)`: records of the same type whose text resembles this one's.
- `recommend(user, type, pk)`: for a need, the achievements, listings, experts and institutions that
  fit it; for an achievement or listing, the needs, challenges and enterprises. Each candidate's
  score is `Σ weight × component` over the components below, and every component is returned so
  the page can show why a record was recommended.

Components (each 0…1; `None` = one side does not state it, counted as `UNKNOWN`):

- relevance: the engine's score of the candidate for the source's text (title + keywords + body),
  divided by the best score among the candidates of that type (the best one has 1.0); candidates
  below `MIN_RELEVANCE` are not recommended, whatever their fit; nor are those whose meaning
  similarity with the source (the hybrid engine's cosine) is below `MIN_MEANING`. When the worker has
  stored e5 passage vectors for the source and its candidates, CONTEXT_WEIGHT of the relevance is
  how close their passages are among the candidates (`context_fit`); the tooltip shows both parts.
- industry: 1 when both have the same industry (行业), else 0.
- region: 1 in the same city (first 4 digits of the region code), 0.5 in the same province, else 0.
- maturity: the supply's TRL (or the top TRL of its stage) against the need's required TRL: 1 when
  it reaches it, 0.5 when one level short, else 0.
- price: the supply's asking price (lower end) against the need's budget (upper end): 1 within the
  budget, 0.5 up to 50 % above it, else 0.
- mode: 1 when the transfer/cooperation modes overlap, else 0.

The weights (`WEIGHTS`) live here and nowhere else; docs/adr/0018-matching-recommendations.md
explains them. Candidates come from `services.build_request`/`services.run` with the viewer's
visibility, and each one is re-loaded from the database and checked against the viewer's tokens
again, so a record the viewer may not see is never recommended, even while the index lags. Records
of the types in `PUBLIC_CANDIDATES` are candidates only when public, whoever looks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from techtransfer.core.regions_loader import place_names
from techtransfer.core.wording import run_in_list
from techtransfer.search import services, text
from techtransfer.search.backends import get_backend
from techtransfer.search.backends.base import SearchHit
from techtransfer.search.backends.tantivy_backend import shown_terms
from techtransfer.search.permissions import may_see
from techtransfer.search.registry import SearchDocument, types

WEIGHTS: dict[str, float] = {
    "relevance": 0.50,
    "industry": 0.15,
    "region": 0.10,
    "maturity": 0.10,
    "price": 0.10,
    "mode": 0.05,
}
UNKNOWN = 0.5  # a component one side does not state counts half
# Candidates whose relevance is below this share of the best one's are dropped: structured fit alone
# (same region, same mode) must not lift an unrelated record into the list.
MIN_RELEVANCE = 0.15
# Relevance above is relative (the best candidate has 1.0, however poor). The meaning similarity is
# absolute: a candidate whose cosine with the source is below this is not recommended either. 0.62 is
# about the 99th percentile of the cosine between two random demo records of the types matched here
# (need → achievement 0.623, achievement → need 0.623, achievement → organisation 0.651, need →
# organisation 0.606; bench/README.md, "Session 13"). At 0.54 (the 95th percentile of a question
# against a random document, used before) about three of the demo's 60 needs passed for any
# achievement. It depends on the table and moves when it is rebuilt.
MIN_MEANING = 0.62
CANDIDATES = 20  # candidates fetched per target type before re-ranking
SHOWN = 5  # recommendations shown per target type
# Record types offered (recommended, "more like this") from their public records only, whatever the
# viewer may see: an achievement's draft, submission or internal record is indexed for its
# organisation, reviewers and admins to find, not offered as a match (achievements/search.py).
PUBLIC_CANDIDATES = frozenset({"achievement"})
SIMILAR = 5  # "more like this" results
# With e5 passage vectors for the source and its candidates, this share of the relevance comes from
# how close their passages are (`context_fit`), the rest from the engine's score.
CONTEXT_WEIGHT = 0.3
# e5 passage cosines of related records sit within a few hundredths of each other (0.83–0.91 on the
# demo): a spread smaller than this is not stretched to the whole 0…1 range (dev: 0, 0.03, 0.05 and
# 0.1 give the same discipline share; 0.1 keeps the own paper first most often).
CONTEXT_SPAN = 0.1
SIMILAR_POOL = 20  # candidates re-ordered by the e5 passage vectors for "more like this"
# "More like this" lists only records at least this close in meaning (the hybrid engine's cosine):
# about the 95th percentile of the cosine between two random demo achievements (0.578) and the 99th
# between two random demo needs (0.586), so a record with no close neighbour lists none rather than
# the least distant of unrelated ones (a hydropower-station need had listed a greenhouse controller
# at 0.544). The nearest achievements of a demo achievement are above it 95 % of the time (5th
# percentile 0.626). bench/README.md, "More like this"; it depends on the table.
SIMILAR_MIN_MEANING = 0.58
WHY_WORDS = 4  # shared words shown per "more like this" result, rarest first
# A word held by more than this share of the documents of the record's type explains nothing (the
# same demo disclaimer in every market listing is rare in the index, not among listings).
COMMON_SHARE = 0.05
FEW_DOCUMENTS = 5  # …unless it is held by at most this many (small collections)
# Words of scientific prose that are rare enough to pass COMMON_SHARE yet say nothing of a topic
# (seen as the shared words of "more like this" results on the demo: 各种, 依据, 得出, 需求).
EXPLAINS_NOTHING = frozenset({
    "各种", "依据", "得出", "需求", "提出", "利用", "具有", "以及", "不同", "问题", "条件", "情况",
    "作用", "因素", "主要", "一种", "相关", "有效", "提高", "实现", "获得", "显著", "良好", "目前",
    "其中", "随着", "同时", "能够", "可以", "较好", "重要", "明显", "发现", "探讨", "介绍", "讨论",
    "阐述", "概述", "应用", "设计", "技术", "系统", "影响", "特点", "优点", "方面", "过程", "需要",
    "要求", "结论", "公司", "单位",
})  # fmt: skip

LABELS: dict[str, Promise] = {
    "relevance": _("Relevance"),
    "industry": _("Industry"),
    "region": _("Region"),
    "maturity": _("Maturity"),
    "price": _("Price"),
    "mode": _("Transfer mode"),
}

# The highest TRL of each stage (GB/T 22900-2009: early 1–4, middle 5–6, mature 7–9).
STAGE_TRL = {"early": 4, "middle": 6, "mature": 9}
DEMAND_TYPES = frozenset({"need", "challenge"})


@dataclass(frozen=True)
class Target:
    type: str
    label: Promise
    terms: Mapping[str, list[str]] = field(default_factory=dict)


TARGETS: dict[str, tuple[Target, ...]] = {
    "need": (
        Target("achievement", _("Achievements")),
        Target("listing", _("Market listings")),
        Target("expert", _("Experts")),
        Target(
            "organisation",
            _("Universities, institutes and hospitals"),
            {"org_type": ["university", "research_institute", "hospital"]},
        ),
    ),
    "challenge": (
        Target("achievement", _("Achievements")),
        Target("expert", _("Experts")),
        Target(
            "organisation",
            _("Universities, institutes and hospitals"),
            {"org_type": ["university", "research_institute", "hospital"]},
        ),
    ),
    "achievement": (
        Target("need", _("Technology needs")),
        Target("challenge", _("Challenges")),
        Target("organisation", _("Enterprises"), {"org_type": ["enterprise"]}),
    ),
    "listing": (
        Target("need", _("Technology needs")),
        Target("organisation", _("Enterprises"), {"org_type": ["enterprise"]}),
    ),
}


@dataclass(frozen=True)
class Profile:
    """The structured side of a document, read from its filters."""

    industry: str | None
    region: str | None
    trl: int | None
    price: tuple[float, float] | None
    modes: frozenset[str]

    @classmethod
    def of(cls, doc: SearchDocument) -> Profile:
        f = doc.filters
        industry = next((str(v) for v in f.get("plan_industry", []) if v), None)
        regions = [str(v) for v in f.get("region", []) if v]
        trl: int | None = next((int(v) for v in f.get("trl", [])), None)
        if trl is None:
            trl = next((STAGE_TRL[str(v)] for v in f.get("stage", []) if str(v) in STAGE_TRL), None)
        prices = [float(v) for v in f.get("price", [])]
        return cls(
            industry=industry,
            region=max(regions, key=len) if regions else None,
            trl=trl,
            price=(min(prices), max(prices)) if prices else None,
            modes=frozenset(str(v) for v in f.get("transfer_mode", []) if v),
        )


@dataclass(frozen=True)
class Component:
    name: str
    value: float | None  # None: not stated by one side (counted as UNKNOWN)
    detail: str = ""  # the candidate's value(s) as stored: codes for industry, region and mode
    detail_label: str = ""  # the same in words, in the user's language (the page's tooltip)

    @property
    def shown_detail(self) -> str:
        if self.value is None and not (self.detail_label or self.detail):
            return str(_("not stated by one side (counts half)"))
        return self.detail_label or self.detail

    @property
    def why(self) -> str:
        """The line of the "Why" list: the part's name and what decided it."""
        return str(_("%(filter)s: %(value)s") % {"filter": self.label, "value": self.shown_detail})

    @property
    def label(self) -> str:
        return str(LABELS[self.name])

    @property
    def weight(self) -> float:
        return WEIGHTS[self.name]

    @property
    def mark(self) -> str:
        if self.value is None:
            return "?"
        if self.name == "relevance":
            return f"{self.value:.2f}"
        return "✓" if self.value >= 1 else ("½" if self.value > 0 else "✗")


@dataclass
class Recommendation:
    type: str
    pk: str
    title: str
    url: str
    snippet: str
    score: float
    components: list[Component]
    through: SearchHit | None = None  # an organisation found through this record of its own


@dataclass
class Group:
    target: Target
    items: list[Recommendation]

    @property
    def label(self) -> str:
        return str(self.target.label)


# --- the components -------------------------------------------------------------------------------


def industry_fit(a: Profile, b: Profile) -> Component:
    if not a.industry or not b.industry:
        return Component("industry", None)
    label = services.value_labeller("plan_industry")
    if a.industry == b.industry:
        return Component("industry", 1.0, b.industry, label(b.industry))
    # A mismatch names both sides: the candidate's industry alone does not say why it is ✗.
    shown = _("%(candidate)s (this record: %(source)s)") % {"candidate": label(b.industry), "source": label(a.industry)}
    return Component("industry", 0.0, b.industry, str(shown))


def region_fit(a: Profile, b: Profile) -> Component:
    if not a.region or not b.region:
        return Component("region", None)
    if a.region[:4] == b.region[:4] and len(a.region) >= 4 and len(b.region) >= 4:
        return Component("region", 1.0, b.region)
    return Component("region", 0.5 if a.region[:2] == b.region[:2] else 0.0, b.region)


def maturity_fit(demand: Profile, supply: Profile) -> Component:
    if demand.trl is None or supply.trl is None:
        return Component("maturity", None)
    detail = f"TRL {supply.trl} / {demand.trl}"
    label = _("TRL %(supply)s, %(demand)s needed") % {"supply": supply.trl, "demand": demand.trl}
    if supply.trl >= demand.trl:
        return Component("maturity", 1.0, detail, str(label))
    return Component("maturity", 0.5 if supply.trl == demand.trl - 1 else 0.0, detail, str(label))


def price_fit(demand: Profile, supply: Profile) -> Component:
    if demand.price is None or supply.price is None:
        return Component("price", None)
    asking, budget = supply.price[0], demand.price[1]
    shown = {"asking": services.number_text(asking), "budget": services.number_text(budget)}
    detail = "{asking} / {budget}".format(**shown)
    label = str(_("asking %(asking)s, budget up to %(budget)s (10,000 yuan)") % shown)
    if asking <= budget:
        return Component("price", 1.0, detail, label)
    return Component("price", 0.5 if asking <= budget * 1.5 else 0.0, detail, label)


def mode_fit(a: Profile, b: Profile) -> Component:
    if not a.modes or not b.modes:
        return Component("mode", None)
    common = sorted(a.modes & b.modes)
    label = services.value_labeller("transfer_mode")
    if common:
        return Component("mode", 1.0, ", ".join(common), run_in_list(label(m) for m in common))
    # None in common: what the candidate offers and what this record wants (so a ✗ says why).
    offered, wanted = (run_in_list(label(m) for m in sorted(x.modes)) for x in (b, a))
    shown = _("%(candidate)s (this record: %(source)s)") % {"candidate": offered, "source": wanted}
    return Component("mode", 0.0, ", ".join(sorted(b.modes)), str(shown))


def components(
    source: SearchDocument,
    candidate: SearchDocument,
    relevance: float,
    context: float | None = None,
    meaning: float | None = None,
) -> list[Component]:
    """Every component of the score of `candidate` for `source` (the demand side is the need).
    `relevance` is the engine's score relative to the best candidate's; with `context` (`context_fit`)
    the relevance shown and counted mixes the two, CONTEXT_WEIGHT of it from the context. Its tooltip
    gives the parts, and `meaning` (the absolute cosine) when known: a lone candidate is always the
    best of its group, however far it is."""
    s, c = Profile.of(source), Profile.of(candidate)
    demand, supply = (s, c) if source.type in DEMAND_TYPES else (c, s)
    if context is None:
        value, detail = relevance, ""
        why = str(_("words and meaning %(words).2f, relative to the best of these candidates") % {"words": relevance})
    else:
        value, detail = (1 - CONTEXT_WEIGHT) * relevance + CONTEXT_WEIGHT * context, f"{relevance:.2f}/{context:.2f}"
        why = str(
            _(
                "words and meaning %(words).2f, relative to the best of these candidates; whole-text closeness "
                "among them %(context).2f"
            )
            % {"words": relevance, "context": context}
        )
    if meaning is not None:
        why += str(
            _("; meaning similarity %(sim).2f (at least %(floor).2f to be recommended)")
            % {"sim": meaning, "floor": MIN_MEANING}
        )
    text_fit = Component("relevance", round(value, 4), detail, why)
    return [
        text_fit,
        industry_fit(s, c),
        region_fit(s, c),
        maturity_fit(demand, supply),
        price_fit(demand, supply),
        mode_fit(s, c),
    ]


def context_fit(cosine: Mapping[str, float]) -> dict[str, float]:
    """The e5 passage cosines of a group's candidates (`passage_cosines`) as 0…1: the closest 1, the
    others less by their distance from it over the group's spread, but over at least CONTEXT_SPAN, so
    that a group whose passages are all about equally close (0.827 against 0.833) keeps them so."""
    if not cosine:
        return {}
    hi = max(cosine.values())
    span = max(hi - min(cosine.values()), CONTEXT_SPAN)
    return {uid: max(0.0, 1.0 - (hi - x) / span) for uid, x in cosine.items()}


def total(parts: Sequence[Component]) -> float:
    return round(sum(p.weight * (UNKNOWN if p.value is None else p.value) for p in parts), 4)


# --- fetching -------------------------------------------------------------------------------------


def source_document(user: Any, type_name: str, pk: str) -> SearchDocument | None:
    """The document of a record as indexed, when `user` may see it (None otherwise: 404)."""
    st = types().get(type_name)
    if st is None:
        return None
    doc = next(iter(st.load([str(pk)])), None)
    if doc is None or not may_see(user, doc.visibility):
        return None
    return doc


def query_text(doc: SearchDocument) -> str:
    """Title, keywords and body of the document: the query (build_request cuts it to its limit), as
    written (`text.literal`: a quoted term or " -Al2O3" in the text is not search syntax)."""
    parts = [doc.fields.get("title", "") or doc.title, doc.fields.get("keywords", ""), doc.fields.get("body", "")]
    return text.literal(" ".join(p.strip() for p in parts if p and p.strip()))


def _viewer(user: Any, type_name: str) -> Any:
    """Whose visibility candidates of `type_name` are found and checked with: the public's (None) for
    `PUBLIC_CANDIDATES`, else the user's."""
    return None if type_name in PUBLIC_CANDIDATES else user


def _hits(
    user: Any, doc: SearchDocument, type_name: str, terms: Mapping[str, list[str]], limit: int
) -> list[SearchHit]:
    request = services.build_request(
        user=_viewer(user, type_name),
        query=query_text(doc),
        type_names=[type_name],
        terms=dict(terms),
        limit=limit,
        facets=False,
    )
    # Candidates are scored again below (meaning and structured fit): the e5 re-ordering would only
    # cost a query vector of the whole record.
    request = replace(request, rerank=False)
    return [h for h in services.run(request).hits if not (h.type == doc.type and h.pk == doc.pk)]


def similar(user: Any, doc: SearchDocument, limit: int = SIMILAR) -> list[SearchHit]:
    """Records of the same type as `doc` that `user` may see (only public ones of a `PUBLIC_CANDIDATES`
    type) and at least SIMILAR_MIN_MEANING close in meaning, most similar first, without `doc`. Each
    hit's matched words are cut to its WHY_WORDS rarest among the records of its type (研究, 方法
    explain nothing)."""
    pool = _hits(user, doc, doc.type, {}, max(limit, SIMILAR_POOL) + 1)
    pool = [h for h in pool if h.semantic_similarity is None or h.semantic_similarity >= SIMILAR_MIN_MEANING]
    # The database is the truth, as for recommendations: a record withdrawn or hidden since it was
    # indexed is left out even while the index lags (one query for the pool).
    st = types().get(doc.type)
    if st is not None and pool:
        visible = {d.pk for d in st.load([h.pk for h in pool]) if may_see(_viewer(user, doc.type), d.visibility)}
        pool = [h for h in pool if h.pk in visible]
    hits = by_passage(doc, pool)[:limit]
    words = [w for h in hits for w in h.matched_terms]
    frequencies = get_backend().document_frequencies(words, doc.type) if words else {}
    for h in hits:  # as the snippet shows them (TiO2, not tio2)
        h.matched_terms = shown_terms(h.snippet, telling_words(h.matched_terms, frequencies))
    return hits


def passage_cosines(doc: SearchDocument, hits: Sequence[SearchHit]) -> dict[str, float]:
    """The e5 cosine between `doc`'s passage and each hit's (by uid), from the vectors the worker
    stores for the second stage; empty unless `doc` and at least two of `hits` have one."""
    source = getattr(get_backend(), "deep_vectors", None)
    if source is None or len(hits) < 2:
        return {}
    found = source.vectors([doc.uid, *(f"{h.type}:{h.pk}" for h in hits)])
    own = found.pop(doc.uid, None)
    if own is None or len(found) < 2:
        return {}
    return {uid: float(v @ own) for uid, v in found.items()}


def by_passage(doc: SearchDocument, hits: list[SearchHit]) -> list[SearchHit]:
    """`hits` ordered by the e5 cosine between `doc`'s passage and theirs (`passage_cosines`; a hit
    without a vector counts as the mean), when there are such cosines; else as they came. Each
    re-ordered hit's cosine is its `context_similarity`.

    Measured on the demo (400 achievements with vectors, 20 candidates each): the share of the first
    five that have the record's own discipline went from 0.434 (first-stage order) to 0.468."""
    cosine = passage_cosines(doc, hits)
    if not cosine:
        return hits
    mean = sum(cosine.values()) / len(cosine)
    for h in hits:
        h.context_similarity = cosine.get(f"{h.type}:{h.pk}")
    return sorted(hits, key=lambda h: -(mean if h.context_similarity is None else h.context_similarity))


def _rare(holding: int, documents: int) -> bool:
    """Is a word held by `holding` of `documents` rare enough to explain a match? Held by at most
    COMMON_SHARE of them, or by at most FEW_DOCUMENTS in a small collection, but never by all."""
    return holding <= max(COMMON_SHARE * documents, FEW_DOCUMENTS) and holding < documents


def telling_words(words: Sequence[str], frequencies: Mapping[str, tuple[int, int]]) -> list[str]:
    """The WHY_WORDS rarest of `words` held by at most COMMON_SHARE of the documents, rarest first,
    without quantities (all of them, in their order, when frequencies are unknown)."""
    if not frequencies:
        return list(words)[:WHY_WORDS]
    places = place_names()
    known = [
        w
        for w in dict.fromkeys(words)
        if w in frequencies and not w[:1].isdigit() and w not in EXPLAINS_NOTHING and w not in places
    ]  # not quantities (667m2, 2kg), nor place names (南昌: where, not what)
    rare = [w for w in known if _rare(*frequencies[w])]
    return sorted(rare, key=lambda w: frequencies[w][0])[:WHY_WORDS]


Kept = tuple[SearchHit, SearchDocument, float]  # a candidate, its document, its relative relevance


def recommend(user: Any, doc: SearchDocument, shown: int = SHOWN) -> list[Group]:
    """The recommendations for `doc`, one group per target type, each re-ranked by total score.

    Institutions and enterprises are found by their own description and by their records among the
    groups before theirs (`_with_owners`): a university whose achievement fits a need fits it too."""
    groups: list[Group] = []
    registered = types()
    records: list[Kept] = []  # the recommended records of the groups so far (their owners count)
    for target in TARGETS.get(doc.type, ()):
        st = registered.get(target.type)
        if st is None:
            continue
        hits = _hits(user, doc, target.type, target.terms, CANDIDATES)
        best = max((h.score for h in hits), default=0.0) or 1.0
        # The database is the truth: re-load the candidates and check the viewer may see them.
        viewer = _viewer(user, target.type)
        loaded = {d.pk: d for d in st.load([h.pk for h in hits]) if may_see(viewer, d.visibility)} if hits else {}
        kept: list[Kept] = []
        for h in hits:
            cand = loaded.get(h.pk)
            first = h.score / best
            if cand is None or first < MIN_RELEVANCE or _own(doc, cand):
                continue
            if h.semantic_similarity is not None and h.semantic_similarity < MIN_MEANING:
                continue
            kept.append((h, cand, first))
        via: dict[str, SearchHit] = {}
        if target.type == ORGANISATION_TYPE:
            kept, via = _with_owners(user, doc, target, kept, records)
        # Closeness among the candidates that are recommended at all (one left: nothing to compare).
        context = context_fit(passage_cosines(doc, [h for h, _, _ in kept]))
        items = []
        for h, cand, first in kept:
            in_context = context.get(f"{h.type}:{h.pk}") if context else None
            if context and in_context is None:  # no vector yet: the middle of the others
                in_context = sum(context.values()) / len(context)
            parts = components(doc, cand, first, in_context, h.semantic_similarity)
            if h.pk in via:  # its relevance is that of its record: the "Why" names it
                parts[0] = replace(parts[0], detail_label=_through(via[h.pk], first))
            items.append(Recommendation(h.type, h.pk, h.title, h.url, h.snippet, total(parts), parts, via.get(h.pk)))
        items.sort(key=lambda r: (-r.score, r.title))
        groups.append(Group(target, items[:shown]))
        records += [k for k in kept if k[1].owner]
    _name_regions(groups)
    return groups


ORGANISATION_TYPE = "organisation"


def _own(doc: SearchDocument, cand: SearchDocument) -> bool:
    """Is `cand` part of `doc`'s own side: a record of the same organisation (a company's own
    achievement is no news for its need), or about the same record (a need's own challenge panel)?"""
    if doc.owner and cand.owner == doc.owner:
        return True
    return bool(cand.about) and cand.about in {doc.uid, doc.about}


def _with_owners(
    user: Any, doc: SearchDocument, target: Target, kept: list[Kept], records: Sequence[Kept]
) -> tuple[list[Kept], dict[str, SearchHit]]:
    """The organisations of `kept` (found by their own text) together with the owners of `records`
    (the achievements recommended for a need, the needs for an achievement) that the viewer may see
    and that are of the target's kinds; each with the better of its own relevance and its best
    record's. `doc`'s own organisation is left out: it is no match for itself. Returns them and, for
    those whose relevance is a record's, that record."""
    best: dict[str, tuple[float, SearchHit]] = {}
    for h, cand, first in records:
        if cand.owner and first > best.get(cand.owner, (-1.0, h))[0]:
            best[cand.owner] = (first, h)
    found = {c.pk: (h, c, first) for h, c, first in kept if c.pk != doc.owner}
    wanted = {name: set(values) for name, values in target.terms.items()}
    st = types()[ORGANISATION_TYPE]
    new = [pk for pk in best if pk not in found and pk != doc.owner]
    docs = {
        d.pk: d
        for d in (st.load(new) if new else ())
        if may_see(user, d.visibility)
        and all(wanted[name] & {str(v) for v in d.filters.get(name, [])} for name in wanted)
    }
    via: dict[str, SearchHit] = {}
    for pk, (first, record) in best.items():
        if pk in found and first > found[pk][2]:
            found[pk] = (found[pk][0], found[pk][1], first)
        elif pk in docs:
            d = docs[pk]
            hit = SearchHit(type=d.type, pk=d.pk, score=0.0, title=d.title, url=d.url, snippet="", matched_terms=[])
            found[pk] = (hit, d, first)
        else:
            continue
        via[pk] = record
    return list(found.values()), via


def _through(record: SearchHit, relevance: float) -> str:
    return str(
        _("through its record “%(title)s”: words and meaning %(words).2f, relative to the best of those records")
        % {"title": record.title, "words": relevance}
    )


REGION_REASONS = {
    1.0: _("%(region)s: in the same city"),
    0.5: _("%(region)s: same province, another city (counts half)"),
    0.0: _("%(region)s: another province"),
}


def _name_regions(groups: Sequence[Group]) -> None:
    """Region codes in the shown components get their names and why they fit as they do (one query
    for the whole panel)."""
    parts = [c for g in groups for item in g.items for c in item.components if c.name == "region" and c.detail]
    if not parts:
        return
    names = services.region_labels(c.detail for c in parts)

    def label(c: Component) -> str:
        return str(REGION_REASONS[c.value or 0.0] % {"region": names.get(c.detail) or c.detail})

    for g in groups:
        for item in g.items:
            item.components = [
                replace(c, detail_label=label(c)) if c.name == "region" and c.detail else c for c in item.components
            ]
