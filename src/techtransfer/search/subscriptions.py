"""Subscriptions (精准推送): saved searches and interest profiles that push new matches to their owner.

Lifecycle. A signed-in user saves a search (one button on the search page) or a profile of
interests; both are stored as one engine request (`SearchSubscription`). After the outbox has been
applied to the index, `match_changed` runs each active subscription's request restricted to the
changed records, through the engine's normal path (`services.build_request` / `services.run`),
among published records only: a push announces what is new to everyone (an organisation's own
drafts, or the submissions a reviewer may see, are not news, and would use up the one notification
per record before publication). So a record the subscriber may not see never reaches them either.
Nor does a record of an organisation the subscriber is an active member of (`SearchDocument.owner`):
a colleague's new record is not news to them.

At most once. Each match is a `SubscriptionMatch` row, unique per (subscription, record): whoever
inserts it notifies, a second change of the record or a second worker finds it and does nothing.
Once per person, too: when two of someone's subscriptions match the same record, both keep the
match (each subscription's list shows it) but only the first to notify names it; the others mark
it notified without another message (`_untold`, under a lock on the subscriber's row).
"Immediately" notifies in the transaction that inserts the row (in-app now, e-mail after commit,
both through `notifications.services.notify` and the subscriber's preferences for `KIND`); daily
and weekly subscriptions leave the row pending and `send_digests` (a periodic job) sends one
notification listing them, after checking again that each record still matches and is visible.
"""

from __future__ import annotations

import datetime
import functools
import json
import logging
import math
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from techtransfer.audit.services import diff, record_event, snapshot
from techtransfer.core import filters
from techtransfer.core.errors import DomainError, ErrorCode, Errors
from techtransfer.core.filters import region_code_prefix
from techtransfer.core.models import Membership, User
from techtransfer.core.region_names import english
from techtransfer.core.wording import clause_separator, labelled, run_in_list
from techtransfer.notifications.registry import register_kind
from techtransfer.notifications.services import notify
from techtransfer.search import services, text
from techtransfer.search.backends.base import SearchHit, SearchMode
from techtransfer.search.models import SearchSubscription, SubscriptionMatch
from techtransfer.search.registry import (
    PUBLIC,
    REGION_PREFIX_MESSAGE,
    FilterKind,
    FilterSpec,
    SearchDocument,
    types,
)

logger = logging.getLogger(__name__)

KIND = register_kind("search.subscription", _("New records matching my saved searches and interests"))

Frequency = SearchSubscription.Frequency
PERIODS = {Frequency.DAILY: datetime.timedelta(days=1), Frequency.WEEKLY: datetime.timedelta(days=7)}
MAX_PER_USER = 50
MAX_VALUES = 20
IMMEDIATE_EACH = 5  # more new matches than this in one batch arrive as one list, not one message each
MAX_PHRASE_WORDS = 6  # more words than this in one phrase of a saved search: warned (`save_warnings`)
DIGEST_LIST = 20  # records named in a digest; the rest are counted
MATCH_BATCH = 500

TOO_MANY = ErrorCode("subscription_limit", _("You have reached the maximum number of subscriptions."), 409)
SAVED_ALREADY = ErrorCode("subscription_exists", _("You have already saved this search."), 409)
NO_CRITERIA = ErrorCode(
    "subscription_empty", _("A subscription needs search terms or at least one filter; it would match everything."), 422
)

AUDITED = ("name", "query", "types", "terms", "ranges", "frequency", "active")


@dataclass(frozen=True)
class Criteria:
    """What a subscription matches: the arguments of `services.build_request`, cleaned."""

    query: str = ""
    types: list[str] = field(default_factory=list)
    terms: dict[str, list[str]] = field(default_factory=dict)
    ranges: dict[str, list[float | None]] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not (self.query.strip() or self.types or self.terms or self.ranges)


def _bound_text(value: float) -> str:
    """A range bound as quoted in a refusal, as JSON writes it: 5, 5.5, 1e+19, NaN, Infinity."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return str(int(value)) if value == int(value) and abs(value) < 1e16 else repr(value)


def _range_errors(name: str, label: str | None, values: Sequence[float]) -> list[str]:
    """Why the bounds `values` of the range filter `name` cannot be saved, one message a bound refused
    (none when they can): the search form's limits (`services.RANGE_BOUNDS`), so that the saved search
    opens as a search page; any finite number for a range the form does not show. Said as the lists'
    filters say a value they cannot take (`core.filters`), quoting the bound, after the filter's
    `label` unless it is None (the message is shown with its field, which names it)."""
    said: list[str] = []
    for value in values:
        limit: float | str = ""
        if not math.isfinite(value):
            template = filters.NUMBER_MESSAGE
        elif name not in services.RANGE_BOUNDS:
            continue
        else:
            low, high, whole = services.RANGE_BOUNDS[name]
            if whole and value != int(value):
                template = filters.WHOLE_NUMBER_MESSAGE
            elif not whole and round(value, 2) != value:
                template, limit = filters.PLACES_MESSAGE, 2
            elif value < low:
                template, limit = filters.MIN_MESSAGE, low
            elif value > high:
                template, limit = filters.MAX_MESSAGE, high
            else:
                continue
        said.append(filters.say(template, label, _bound_text(value), limit))
    return list(dict.fromkeys(said))


def clean_criteria(
    *,
    query: str = "",
    type_names: Iterable[str] = (),
    terms: Mapping[str, Iterable[str]] | None = None,
    ranges: Mapping[str, Sequence[float | None]] | None = None,
    unchanged: Criteria | None = None,
    labelled: bool = True,
) -> Criteria:
    """Criteria of registered types and filters with values they can take, bounded in size, plus the
    filters of `unchanged` that the new ones leave alone (a saved subscription's filters that its edit
    form does not show; they were checked, or accepted, when saved, and pass unchanged). Refuses
    (422, with a message per field) an unknown type, filter or value, a region that is not a GB/T 2260
    code, a range whose upper bound is below its lower one, and criteria that match everything: a
    subscription the search page could not show, or one that would never match, is not saved.

    A range's bound it cannot take is quoted, after the filter's label ("Technology readiness level:
    “5.5” is not a whole number.": the API's `details.fields` shows each message alone); without the
    label when `labelled` is False, for a page that shows the message with its field or its label."""
    registered = types()
    kinds: dict[str, FilterKind] = {}
    labels: dict[str, str] = {}  # each filter's label, from its first declaration (as `describe`)
    for st in registered.values():
        for spec in st.filters:
            kinds.setdefault(spec.name, spec.kind)
            labels.setdefault(spec.name, str(spec.label))
    errors: dict[str, list[str]] = {}
    if query.strip() and not text.query_tokens(query):  # "!!!": the engine would match nothing, ever
        errors["query"] = [gettext("The question has no words to search for.")]
    unknown_types = [t for t in dict.fromkeys(type_names) if t not in registered]
    if unknown_types:
        errors["types"] = [gettext("Unknown record type: %(values)s.") % {"values": run_in_list(unknown_types)}]
    clean_terms: dict[str, list[str]] = {}
    for name, values in (terms or {}).items():
        kind = kinds.get(name)
        if kind not in (FilterKind.KEYWORD, FilterKind.PREFIX):
            errors[f"terms.{name}"] = [gettext("Unknown filter.")]
            continue
        kept = list(dict.fromkeys(unicodedata.normalize("NFKC", str(v)).strip()[:64] for v in values if str(v).strip()))
        malformed = False
        if kind == FilterKind.PREFIX:  # 360100 (南昌市) is stored as the prefix records hold: 3601
            prefixes = [region_code_prefix(v) for v in kept]
            malformed = None in prefixes
            kept = list(dict.fromkeys(p or v for p, v in zip(prefixes, kept, strict=True)))
        allowed = services.allowed_values(name) if kind == FilterKind.KEYWORD else None
        if len(kept) > MAX_VALUES:
            errors[f"terms.{name}"] = [gettext("Too many values.")]
        elif malformed:
            errors[f"terms.{name}"] = [str(REGION_PREFIX_MESSAGE)]
        elif kind == FilterKind.PREFIX and (unknown := services.unknown_regions(kept)):
            # 99 has the form of a province code, but no province has it: nothing would ever match.
            errors[f"terms.{name}"] = [gettext("Unknown region code: %(values)s.") % {"values": run_in_list(unknown)}]
        elif allowed is not None and any(v not in allowed for v in kept):
            wrong = run_in_list(v for v in kept if v not in allowed)
            unknown_value = gettext("Unknown value: %(values)s.") % {"values": wrong}
            errors[f"terms.{name}"] = [
                gettext("%(field)s: %(message)s") % {"field": labels[name], "message": unknown_value}
                if labelled
                else unknown_value
            ]
        elif kept:
            clean_terms[name] = kept
    clean_ranges: dict[str, list[float | None]] = {}
    for name, bounds in (ranges or {}).items():
        if kinds.get(name) not in (FilterKind.INT, FilterKind.FLOAT):
            errors[f"ranges.{name}"] = [gettext("Unknown filter.")]
            continue
        if len(bounds) != 2:
            errors[f"ranges.{name}"] = [gettext("A range is [lower bound, upper bound]; either may be null.")]
            continue
        lo, hi = (None if b is None else float(b) for b in bounds)
        refused = _range_errors(name, labels[name] if labelled else None, [b for b in (lo, hi) if b is not None])
        if refused:
            errors[f"ranges.{name}"] = refused
        elif lo is not None and hi is not None and lo > hi:
            errors[f"ranges.{name}"] = [
                gettext("The upper bound “%(upper)s” must not be below the lower bound “%(lower)s”.")
                % {"upper": _bound_text(hi), "lower": _bound_text(lo)}
            ]
        elif lo is not None or hi is not None:
            clean_ranges[name] = [lo, hi]
    if errors:
        raise DomainError(Errors.VALIDATION, details={"fields": errors})
    if unchanged is not None:
        clean_terms = {**{k: v for k, v in unchanged.terms.items() if k not in (terms or {})}, **clean_terms}
        clean_ranges = {**{k: v for k, v in unchanged.ranges.items() if k not in (ranges or {})}, **clean_ranges}
    criteria = Criteria(
        query=" ".join(query.split())[: services.MAX_QUERY_CHARS],
        types=list(dict.fromkeys(type_names)),
        terms=clean_terms,
        ranges=clean_ranges,
    )
    # A filter none of the chosen record types has would be ignored (stage for needs): the
    # subscription would match far more than it says. Refused, named under the filter.
    lacking = {
        f"{group}.{name}": [gettext("The chosen record types do not have this filter.")]
        for group, names in (("terms", criteria.terms), ("ranges", criteria.ranges))
        for name in names
        if services.inapplicable_filters(criteria.types, [name])
    }
    if lacking:
        raise DomainError(Errors.VALIDATION, details={"fields": lacking})
    if criteria.is_empty():
        raise DomainError(NO_CRITERIA)
    return criteria


def criteria_from_search(kwargs: Mapping[str, Any]) -> Criteria:
    """Criteria from `SearchForm.request_kwargs()` (the search page's "subscribe" button), meaning
    what the page meant: a short question whose every word the page required (稀土 永磁: both) is
    saved as one phrase (稀土永磁), since spaces separate alternatives in a subscription. A refusal's
    messages are without the filters' labels: the page says each after its label."""
    return clean_criteria(
        query=_as_on_the_page(kwargs.get("query", "")),
        type_names=kwargs.get("type_names", []),
        terms=kwargs.get("terms", {}),
        ranges={k: list(v) for k, v in kwargs.get("ranges", {}).items()},
        labelled=False,
    )


def _as_on_the_page(query: str) -> str:
    parts = query.split()
    words, needed = text.key_words(query)
    plain = not any(p.startswith("-") or '"' in p for p in parts)  # no exclusion nor quoted part
    if len(parts) > 1 and plain and words and needed == len(words):
        return "".join(parts)
    return query


def _key(criteria: Criteria) -> tuple[Any, ...]:
    """What makes two subscriptions the same: the question's terms in any order and case
    (钕铁硼 回收 = 回收 钕铁硼: alternatives; Graphene Battery = graphene battery), the filters."""
    return (
        tuple(sorted(text.normalise(criteria.query).split())),
        tuple(sorted(criteria.types)),
        tuple(sorted((k, tuple(sorted(v))) for k, v in criteria.terms.items())),
        tuple(sorted((k, tuple(v)) for k, v in criteria.ranges.items())),
    )


def saved_like(actor: User, criteria: Criteria, kind: str) -> SearchSubscription | None:
    """`actor`'s subscription of `kind` with the same criteria, if any (a second "subscribe" click
    opens it instead of saving the search twice)."""
    key = _key(criteria)
    return next(
        (sub for sub in SearchSubscription.objects.filter(user=actor, kind=kind) if _key(criteria_of(sub)) == key),
        None,
    )


def criteria_of(sub: SearchSubscription) -> Criteria:
    return Criteria(query=sub.query, types=list(sub.types), terms=dict(sub.terms), ranges=dict(sub.ranges))


# --- access -----------------------------------------------------------------------------------


def subscriptions_of(user: User) -> QuerySet[SearchSubscription]:
    return SearchSubscription.objects.filter(user=user)


def get_subscription_for_user(user: User, pk: int) -> SearchSubscription:
    """The user's own subscription; anybody else's looks like a missing one."""
    sub = SearchSubscription.objects.filter(pk=pk, user=user).first() if user.is_authenticated else None
    if sub is None:
        raise DomainError(Errors.NOT_FOUND)
    return sub


# --- changes ----------------------------------------------------------------------------------


@transaction.atomic
def create_subscription(
    *,
    actor: User,
    name: str,
    criteria: Criteria,
    kind: str = SearchSubscription.Kind.SEARCH,
    frequency: str = Frequency.DAILY,
) -> SearchSubscription:
    """Save a search or an interest profile for `actor`; audited. Matches start with the next change."""
    # The user row is the lock that keeps two tabs from both passing the limit check.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    # The same criteria again (the same terms in another order or case too) are no new subscription,
    # even at the limit: the caller opens the saved one (`details["id"]`).
    same = saved_like(actor, criteria, kind)
    if same is not None:
        raise DomainError(SAVED_ALREADY, details={"id": same.pk})
    if SearchSubscription.objects.filter(user=actor).count() >= MAX_PER_USER:
        raise DomainError(TOO_MANY)
    sub = SearchSubscription.objects.create(
        user=actor,
        name=_name(name, criteria),
        kind=kind,
        query=criteria.query,
        types=criteria.types,
        terms=criteria.terms,
        ranges=criteria.ranges,
        frequency=frequency,
    )
    record_event(actor=actor, action="search.subscription.create", obj=sub, changes=snapshot(sub, AUDITED))
    return sub


def _name(given: str, criteria: Criteria) -> str:
    """A subscription's name: the one given, else its question, else its filters ("行业：新能源；
    所在地区：江西省（36）", so two such subscriptions are told apart in the list)."""
    if given.strip() or criteria.query:
        return (given.strip() or criteria.query)[:100]
    unsaved = SearchSubscription(types=criteria.types, terms=criteria.terms, ranges=criteria.ranges)
    return (clause_separator().join(describe(unsaved)) or gettext("My subscription"))[:100]


@transaction.atomic
def update_subscription(
    *,
    actor: User,
    subscription_id: int,
    name: str | None = None,
    criteria: Criteria | None = None,
    frequency: str | None = None,
    active: bool | None = None,
) -> SearchSubscription:
    """Change one's own subscription (criteria, frequency, pause); audited with the changed fields.

    Records already matched stay matched (they are never notified twice); pausing stops matching.
    """
    sub = SearchSubscription.objects.select_for_update(of=("self",)).filter(pk=subscription_id, user=actor).first()
    if sub is None:
        raise DomainError(Errors.NOT_FOUND)
    before = snapshot(sub, AUDITED)
    if criteria is not None:
        sub.query, sub.types, sub.terms, sub.ranges = criteria.query, criteria.types, criteria.terms, criteria.ranges
    if name is not None:  # a cleared name: named as a new subscription is (its question, or filters)
        sub.name = _name(name, criteria_of(sub))
    if frequency is not None:
        sub.frequency = frequency
    if active is not None:
        sub.active = active
    after = snapshot(sub, AUDITED)
    changes = diff(before, after)
    if changes:
        sub.save(update_fields=[*changes, "updated_at"])
        action = "search.subscription.update"
        if set(changes) == {"active"}:
            action = "search.subscription.resume" if sub.active else "search.subscription.pause"
        record_event(actor=actor, action=action, obj=sub, changes=changes)
    return sub


@transaction.atomic
def delete_subscription(*, actor: User, subscription_id: int) -> None:
    """Delete one's own subscription and its matches; audited (the event keeps what it was)."""
    sub = SearchSubscription.objects.select_for_update(of=("self",)).filter(pk=subscription_id, user=actor).first()
    if sub is None:
        raise DomainError(Errors.NOT_FOUND)
    record_event(actor=actor, action="search.subscription.delete", obj=sub, changes=snapshot(sub, AUDITED))
    sub.delete()


# --- matching ---------------------------------------------------------------------------------


def matching_hits(sub: SearchSubscription, uids: Sequence[str]) -> list[SearchHit]:
    """The published records among `uids` that `sub` matches now.

    The normal search path with the public's visibility (see the module's docstring), restricted to
    `uids` inside the engine.
    """
    request = services.build_request(
        user=None,
        query=sub.query,
        type_names=list(sub.types),
        terms=sub.terms,
        ranges={k: (v[0], v[1]) for k, v in sub.ranges.items()},
        limit=len(uids),
        facets=False,
        ids=list(uids),
        # A push needs the words (see `phrases_present`); meaning-only neighbours would notify everyone.
        mode=SearchMode.LEXICAL,
    )
    request.highlight = False
    request.most_words = False  # phrases between spaces are alternatives here (`phrases_present`)
    wanted = set(uids)
    return [h for h in services.run(request).hits if f"{h.type}:{h.pk}" in wanted]


@functools.lru_cache(maxsize=4096)
def _phrases(query: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each alternative of `query`: (the phrase without spaces, its words); none for no words."""
    norm = " ".join(text.normalise(text.positive_query(query)).split())  # -荧光: the engine excludes it
    if not norm:
        return ()
    phrases = [norm] if norm.isascii() else norm.split()
    return tuple((phrase.replace(" ", ""), tuple(text.words(phrase))) for phrase in phrases)


def save_warnings(query: str, mode: str = "") -> list[str]:
    """What a user saving `query` should know: a phrase of many words matches a new record only when
    the record has every one of them (a long question pasted whole practically never notifies), and
    a saved search matches by words, not by meaning only."""
    out = []
    phrases = _phrases(query)
    longest = max((len(words) for _whole, words in phrases), default=0)
    latin = text.normalise(query).isascii()  # one phrase, whatever the spaces (as `_phrases` reads it)
    if longest > MAX_PHRASE_WORDS and latin:
        out.append(
            gettext(
                "A new record is notified only when it holds every one of these %(n)d words: few records "
                "will. Keep a few key terms."
            )
            % {"n": longest}
        )
    elif longest > MAX_PHRASE_WORDS:
        out.append(
            gettext(
                "A new record is notified only when it holds every word of a phrase, and this one has %(n)d "
                "words: few records will. Keep a few key terms, separated by spaces (any of them may match)."
            )
            % {"n": longest}
        )
    if mode == SearchMode.SEMANTIC:
        out.append(gettext("Saved searches match new records by their words; “meaning only” is not kept."))
    return out


def phrases_present(query: str, haystack: str) -> bool:
    """Is one of the query's phrases wholly in the record's normalised text?

    The engine ranks by any shared word or character pair, which suits a results page but would push
    loosely related records. Spaces separate alternatives ("锂电池 正极 石墨烯": any of them); within
    a phrase every word must be present ("钙钛矿太阳能电池": 钙钛矿 and 太阳能 and 电池). A query
    of Latin words only is one phrase. A subscription with filters only has no phrase and passes.

    Given several records' texts joined by NUL characters, it tells whether the query may match one
    of them (a phrase's words may then come from different records): `_match` skips the engine query
    of a subscription that cannot match any record of the batch.
    """
    phrases = _phrases(query)
    if not phrases:
        return True
    compact = haystack.replace(" ", "")
    for whole, words in phrases:
        if whole in compact:
            return True
        if words and all(w in haystack for w in words):
            return True
    return False


def match_changed(documents: Sequence[SearchDocument]) -> int:
    """The outbox hook: match records just written to the index against every active subscription.

    `documents` are the batch's upserted documents (for the phrase check; visibility and filters
    are the engine's); those the public may not see are left out at once. Returns how many new
    matches were recorded. A failure is logged and never stops the index from being applied; a
    record whose matching was lost is matched again at its next change.
    """
    # Matching searches with the public's visibility: a draft or a restricted record cannot match,
    # so its edits are not matched against every subscription at all.
    documents = [doc for doc in documents if PUBLIC in doc.visibility]
    haystacks = {
        doc.uid: text.normalise(" ".join([doc.title, *(v for v in doc.fields.values() if v)])) for doc in documents
    }
    if not haystacks:
        return 0
    owners = {doc.uid: doc.owner for doc in documents if doc.owner}
    try:
        return _match(haystacks, owners)
    except Exception:
        logger.exception("subscription matching failed for %d records", len(haystacks))
        return 0


def _members_of(org_pks: Iterable[str]) -> dict[int, set[str]]:
    """Each active member of these organisations (user pk) → which of them they belong to."""
    out: dict[int, set[str]] = {}
    rows = Membership.objects.filter(organisation_id__in=[int(pk) for pk in set(org_pks)], is_active=True)
    for user_id, org_id in rows.values_list("user_id", "organisation_id"):
        out.setdefault(user_id, set()).add(str(org_id))
    return out


def _match(haystacks: dict[str, str], owners: Mapping[str, str] | None = None) -> int:
    """Match the changed records (uid → normalised text) against every active subscription; `owners`
    (uid → organisation pk) leaves each subscriber's own organisations' records out."""
    owners = owners or {}
    changed = sorted(haystacks)
    changed_types = {uid.split(":", 1)[0] for uid in changed}
    unions = {
        start: "\0".join(haystacks[uid] for uid in changed[start : start + MATCH_BATCH])
        for start in range(0, len(changed), MATCH_BATCH)
    }
    subs = SearchSubscription.objects.filter(active=True, user__is_active=True).select_related("user").order_by("pk")
    own = _members_of(owners.values()) if owners else {}
    created = 0
    # Many people save the same search: run each distinct criteria once per batch.
    memo: dict[tuple[str, ...], list[SearchHit]] = {}
    for sub in subs.iterator(chunk_size=500):
        if sub.types and not changed_types.intersection(sub.types):
            continue
        # Chunks with a record that has the words (exact: a match must pass that check anyway); no
        # engine query for a subscription without any.
        starts = [start for start, union in unions.items() if phrases_present(sub.query, union)]
        if not starts:
            continue
        criteria = (
            sub.query,
            json.dumps(sub.types),
            json.dumps(sub.terms, sort_keys=True),
            json.dumps(sub.ranges, sort_keys=True),
        )
        try:
            for start in starts:
                key = (*criteria, str(start))
                if key not in memo:
                    hits = matching_hits(sub, changed[start : start + MATCH_BATCH])
                    memo[key] = [h for h in hits if phrases_present(sub.query, haystacks[f"{h.type}:{h.pk}"])]
                mine = own.get(sub.user_id, set())
                hits = [h for h in memo[key] if owners.get(f"{h.type}:{h.pk}", "") not in mine]
                if hits:
                    created += _record(sub, hits)
        except Exception:
            # One subscription that cannot be matched (criteria saved before a check existed, say)
            # must not cost the others their notices.
            logger.exception("matching subscription %s failed", sub.pk)
    return created


def _record(sub: SearchSubscription, hits: list[SearchHit]) -> int:
    """Insert a match row per hit not matched before; notify at once for immediate subscriptions."""
    by_uid = {f"{h.type}:{h.pk}": h for h in hits}
    immediate = sub.frequency == Frequency.IMMEDIATE
    now = timezone.now()
    new: list[SubscriptionMatch] = []
    with transaction.atomic():
        if immediate:
            _lock_subscriber(sub.user_id)
        seen = set(
            SubscriptionMatch.objects.filter(subscription=sub, object_uid__in=list(by_uid)).values_list(
                "object_uid", flat=True
            )
        )
        for uid, hit in by_uid.items():
            if uid in seen:
                continue
            try:
                # A savepoint: a row inserted meanwhile by another worker must not undo the others.
                with transaction.atomic():
                    match = SubscriptionMatch.objects.create(
                        subscription=sub,
                        object_uid=uid,
                        title=hit.title[:200],
                        url=hit.url[:300],
                        notified_at=now if immediate else None,
                    )
            except IntegrityError:
                continue
            new.append(match)
        if immediate and new and (fresh := _untold(sub, new)):
            _notify(sub, fresh)
    return len(new)


def _lock_subscriber(user_id: int) -> None:
    """Serialise the notices of one person (their subscriptions may be matched by two workers)."""
    list(User.objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True))


def _untold(sub: SearchSubscription, matches: list[SubscriptionMatch]) -> list[SubscriptionMatch]:
    """Those of `matches` whose record no other subscription of the same person has notified yet."""
    told = set(
        SubscriptionMatch.objects.filter(
            subscription__user_id=sub.user_id,
            object_uid__in=[m.object_uid for m in matches],
            notified_at__isnull=False,
        )
        .exclude(subscription_id=sub.pk)
        .values_list("object_uid", flat=True)
    )
    return [m for m in matches if m.object_uid not in told]


def _notify(sub: SearchSubscription, matches: list[SubscriptionMatch]) -> None:
    if len(matches) <= IMMEDIATE_EACH:
        for m in matches:
            notify(  # written in the subscriber's language
                user_ids=[sub.user_id],
                kind=KIND,
                title=partial(_new_title, sub.name, m.title),
                body=partial(_new_body, sub.name, _manage_url(sub)),
                url=m.url,
            )
        return
    _notify_list(sub, matches)


def _new_title(name: str, title: str) -> str:
    return gettext("New for “%(name)s”: %(title)s") % {"name": name, "title": title}


def _new_body(name: str, manage: str) -> str:
    return "\n".join(
        [
            gettext("A record matching your subscription “%(name)s” was published or changed.") % {"name": name},
            _manage_line(manage),
        ]
    )


def _manage_url(sub: SearchSubscription) -> str:
    """Where the subscriber changes, pauses or deletes the subscription (absolute: e-mails carry it)."""
    return settings.SITE_URL + reverse("search:subscription_edit", args=[sub.pk])


def _manage_line(url: str) -> str:
    # The address on a line of its own: the inbox makes it a link (after a full-width colon it
    # would not be one) and mail programs do too.
    return gettext("To change or stop these notices:") + "\n" + url


def _notify_list(sub: SearchSubscription, matches: list[SubscriptionMatch]) -> None:
    """One notification listing `matches` (the first DIGEST_LIST), linking to the saved search; in
    the subscriber's language."""
    lines = [f"• {m.title}  {settings.SITE_URL}{m.url}" for m in matches[:DIGEST_LIST]]
    more = len(matches) - DIGEST_LIST
    manage = _manage_url(sub)

    def body() -> str:
        intro = ngettext(
            "A new record matches your subscription “%(name)s”:",
            "New records match your subscription “%(name)s”:",
            len(matches),
        ) % {"name": sub.name}
        shown = [*lines, gettext("… and %(n)d more.") % {"n": more}] if more > 0 else lines
        return "\n".join([intro, *shown, _manage_line(manage)])

    notify(
        user_ids=[sub.user_id],
        kind=KIND,
        title=partial(_count_title, len(matches), sub.name),
        body=body,
        url=search_url(sub),
    )


def _count_title(n: int, name: str) -> str:
    return ngettext("%(n)d new record for “%(name)s”", "%(n)d new records for “%(name)s”", n) % {"n": n, "name": name}


def _due(sub: SearchSubscription, now: datetime.datetime) -> bool:
    period = PERIODS.get(Frequency(sub.frequency))
    return period is None or sub.last_digest_at <= now - period


def send_digests(now: datetime.datetime | None = None) -> int:
    """The periodic job: one notification per due subscription listing its pending matches.

    Daily and weekly subscriptions are due one period after their last digest; an immediate one
    with pending matches (it was a digest subscription until lately) is always due. Returns how
    many digests went out.
    """
    now = now or timezone.now()
    due = Q(frequency=Frequency.IMMEDIATE)
    for frequency, period in PERIODS.items():
        due |= Q(frequency=frequency, last_digest_at__lte=now - period)
    pks = list(
        SearchSubscription.objects.filter(due, active=True, matches__notified_at__isnull=True)
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")
    )
    return sum(_send_digest(pk, now) for pk in pks)


@transaction.atomic
def _send_digest(pk: int, now: datetime.datetime) -> int:
    # The row lock serialises two runners; the second finds `last_digest_at` moved and stops.
    sub = SearchSubscription.objects.select_for_update(of=("self",)).select_related("user").filter(pk=pk).first()
    if sub is None or not sub.active or not sub.user.is_active or not _due(sub, now):
        return 0
    _lock_subscriber(sub.user_id)
    pending = list(sub.matches.filter(notified_at__isnull=True).order_by("matched_at", "pk")[:MATCH_BATCH])
    if not pending:
        return 0
    # Records can have been withdrawn or made private since they matched: ask the engine again.
    still = {f"{h.type}:{h.pk}" for h in matching_hits(sub, [m.object_uid for m in pending])}
    gone = [m.pk for m in pending if m.object_uid not in still]
    keep = [m for m in pending if m.object_uid in still]
    if gone:
        SubscriptionMatch.objects.filter(pk__in=gone).delete()
    sub.last_digest_at = now
    sub.save(update_fields=["last_digest_at"])
    if not keep:
        return 0
    claimed = SubscriptionMatch.objects.filter(pk__in=[m.pk for m in keep], notified_at__isnull=True).update(
        notified_at=now
    )
    if claimed != len(keep):  # pragma: no cover - impossible under the row lock; never notify twice
        raise RuntimeError("digest matches were claimed concurrently")
    # Records another of the person's subscriptions has already named are claimed, not repeated.
    listed = _untold(sub, keep)
    if not listed:
        return 0
    _notify_list(sub, listed)
    return 1


# --- display ----------------------------------------------------------------------------------


def search_url(sub: SearchSubscription) -> str:
    """The search page showing what the subscription matches: by words, as `matching_hits` does (a
    saved search never notifies records found by meaning alone, so the page does not list them), and
    newest first, as the notices come (a page without a question is listed so anyway)."""
    params: list[tuple[str, str]] = (
        [("q", sub.query), ("mode", SearchMode.LEXICAL.value), ("sort", "newest")] if sub.query else []
    )
    params += [("type", t) for t in sub.types]
    for name, values in sub.terms.items():
        if name == "region":
            params.append(("region", ",".join(values)))
        else:
            params += [(name, v) for v in values]
    for name, (lo, hi) in sub.ranges.items():
        if lo is not None:
            params.append((f"{name}_min", services.number_text(lo)))
        if hi is not None:
            params.append((f"{name}_max", services.number_text(hi)))
    return reverse("search:search") + ("?" + urlencode(params) if params else "")


def region_codes_of(subs: Iterable[SearchSubscription]) -> set[str]:
    """The region codes the filters of `subs` name (for one `services.region_names` query per page)."""
    prefix = {spec.name for st in types().values() for spec in st.filters if spec.kind == FilterKind.PREFIX}
    return {v for sub in subs for name, values in sub.terms.items() if name in prefix for v in values}


def _region_with_code(name: str, code: str) -> str:
    """南昌市 (3601), or on English pages 南昌市 (Nanchang City, 3601): the name was Chinese alone there."""
    if get_language() == "en":
        return f"{name} ({english(name)}, {code})"
    return gettext("%(name)s (%(code)s)") % {"name": name, "code": code}


def describe(sub: SearchSubscription, regions: Mapping[str, str] | None = None) -> list[str]:
    """Human-readable filters of a subscription ("Industry: New energy", "Region: 南昌市 (3601)", ...);
    `regions`: the region names already looked up (`services.region_names`), else looked up here."""
    labels: dict[str, FilterSpec] = {}  # the filter's own label (name) from its first declaration
    for st in types().values():
        for declared in st.filters:
            labels.setdefault(declared.name, declared)
    type_labels = {name: str(st.label) for name, st in types().items()}
    out = []
    if sub.types:
        out.append(labelled(gettext("Record type"), run_in_list(type_labels.get(t, t) for t in sub.types)))
    for name, values in sub.terms.items():
        tspec = labels.get(name)
        if tspec is None:
            continue
        if tspec.kind == FilterKind.PREFIX:
            names = services.region_names(values) if regions is None else regions
            shown = run_in_list(_region_with_code(names[v], v) if v in names else v for v in values)
        else:
            label = services.value_labeller(name)
            shown = run_in_list(label(v) for v in values)
        out.append(labelled(tspec.label, shown))
    for name, (lo, hi) in sub.ranges.items():
        rspec = labels.get(name)
        if rspec is None:
            continue
        out.append(labelled(rspec.label, services.range_text(lo, hi)))
    return out


# --- the audit log ------------------------------------------------------------------------------


class FilterLabels(Mapping[str, Any]):
    """The audit log's labels of the keys of a subscription's `terms` (or `ranges`): each filter by its
    label, a keyword filter's values by theirs (a region stays its code). Read from the record types'
    declarations when the page shows, as `describe` reads them."""

    def __init__(self, kinds: frozenset[FilterKind]) -> None:
        self.kinds = kinds

    def _specs(self) -> dict[str, FilterSpec]:
        specs: dict[str, FilterSpec] = {}
        for st in types().values():
            for spec in st.filters:
                if spec.kind in self.kinds:
                    specs.setdefault(spec.name, spec)
        return specs

    def __getitem__(self, name: str) -> Any:
        from techtransfer.audit.templatetags.audit_tags import ChangeLabel

        spec = self._specs()[name]
        if spec.kind in (FilterKind.INT, FilterKind.FLOAT):
            return ChangeLabel(spec.label, text=_range_text)
        if spec.kind != FilterKind.KEYWORD:
            return ChangeLabel(spec.label)
        return ChangeLabel(spec.label, choices=partial(_value_choices, name))

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs())

    def __len__(self) -> int:
        return len(self._specs())


def _range_text(bounds: Any) -> str:
    """A range's [from, to] as the subscriptions page says it ("≥ 6", "3–6"); anything else as written."""
    if isinstance(bounds, list | tuple) and len(bounds) == 2:
        return services.range_text(*bounds)
    return str(bounds)


def _value_choices(name: str) -> list[tuple[str, str]]:
    label = services.value_labeller(name)
    return [(v, label(v)) for v in sorted(services.allowed_values(name) or ())]


def register_change_labels() -> None:
    """Label a subscription's filters in the audit log (`search.apps`)."""
    from techtransfer.audit.templatetags.audit_tags import register_key_labels

    terms, ranges = frozenset({FilterKind.KEYWORD, FilterKind.PREFIX}), frozenset({FilterKind.INT, FilterKind.FLOAT})
    register_key_labels("search.searchsubscription", "terms", FilterLabels(terms))
    register_key_labels("search.searchsubscription", "ranges", FilterLabels(ranges))
