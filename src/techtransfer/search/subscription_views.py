"""Pages for one's own subscriptions: list, create an interest profile, save a search, edit, pause, delete.

Every page fetches through `subscriptions.get_subscription_for_user`: another user's subscription is
a 404, exactly like a missing one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.forms import StyledForm, ValueMessagesMixin, style_fields
from techtransfer.core.models import User
from techtransfer.core.wording import clause_separator
from techtransfer.search import services, subscriptions, suggest, text
from techtransfer.search.forms import (
    REGION_CODES,
    SearchForm,
    check_bounds,
    filter_label,
    keyword_filters,
    lenient_data,
    question_cut_note,
    region_codes,
)
from techtransfer.search.models import SearchSubscription
from techtransfer.search.registry import types

PAGE_SIZE = 20
RANGES = ("trl", "price", "year")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _choices(name: str, saved: Sequence[str] = (), *, by_label: bool = False) -> list[tuple[str, str]]:
    """Every value the filter `name` can take, with its label (a profile waits for records to come,
    so it offers the values no public record has yet too), by value or alphabetically by label;
    then the `saved` values it no longer takes, as they are (shown, so they can be unticked)."""
    label = services.value_labeller(name)
    values = services.allowed_values(name) or set()
    known = [(v, label(v)) for v in values]
    known.sort(key=(lambda vl: _sort_key(vl[1])) if by_label else (lambda vl: vl[0]))
    return known + [(v, v) for v in saved if v not in values]


def _facet_choices() -> dict[str, list[tuple[str, str]]]:
    """The industry and discipline choices, alphabetical by label."""
    return {name: _choices(name, by_label=True) for name in ("plan_industry", "discipline")}


def _sort_key(label: str) -> str:
    """Alphabetical order of a label in the user's language: Chinese by its toneless pinyin."""
    return suggest.pinyin_key(text.normalise(label)) if _CJK.search(label) else label.casefold()


SEVERAL = _("Hold Ctrl (⌘ on a Mac) and click to choose several; none chosen: all.")


class SubscriptionForm(ValueMessagesMixin, StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    query = forms.CharField(
        label=_("Search terms or keywords"),
        max_length=services.MAX_QUERY_CHARS,
        required=False,
        help_text=_(
            "Spaces separate alternatives: a record is sent when it contains every word of one of them. "
            "A question in English words only is one alternative: all its words must be in the record."
        ),
    )
    # A few record types: boxes to tick (a list box hid some of them and lost a choice at a click).
    types = forms.MultipleChoiceField(
        label=_("Record types"), required=False, choices=(), widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every type."),
    )  # fmt: skip
    plan_industry = forms.MultipleChoiceField(label=_("Industries"), required=False, choices=(), help_text=SEVERAL)
    discipline = forms.MultipleChoiceField(label=_("Disciplines"), required=False, choices=(), help_text=SEVERAL)
    regions = forms.CharField(
        label=_("Regions"),
        required=False,
        max_length=200,
        validators=[REGION_CODES],
        help_text=_("Administrative division codes, e.g. 36 (Jiangxi) or 3601 (Nanchang)."),
    )
    # The search page's range fields (a saved search keeps its TRL, price and year ranges editable).
    trl_min = SearchForm.base_fields["trl_min"]
    trl_max = SearchForm.base_fields["trl_max"]
    price_min = SearchForm.base_fields["price_min"]
    price_max = SearchForm.base_fields["price_max"]
    year_min = SearchForm.base_fields["year_min"]
    year_max = SearchForm.base_fields["year_max"]
    frequency = forms.ChoiceField(label=_("Notify me"), choices=SearchSubscription.Frequency.choices)
    active = forms.BooleanField(label=_("Active (untick to pause)"), required=False, initial=True)

    def __init__(self, *args: Any, instance: SearchSubscription | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name,
                "query": instance.query,
                "types": instance.types,
                "plan_industry": instance.terms.get("plan_industry", []),
                "discipline": instance.terms.get("discipline", []),
                "regions": ", ".join(instance.terms.get("region", [])),
                **{
                    f"{name}_{end}": services.number_text(bound)
                    for name, bounds in instance.ranges.items()
                    if name in RANGES
                    for end, bound in zip(("min", "max"), bounds, strict=False)
                    if bound is not None
                },
                "frequency": instance.frequency,
                "active": instance.active,
            }
        super().__init__(*args, **kwargs)
        self.fields["types"].choices = [(n, st.label) for n, st in types().items()]  # type: ignore[attr-defined]
        current = instance.terms if instance is not None else {}
        for name in ("plan_industry", "discipline"):
            choices = _choices(name, current.get(name, []), by_label=True)
            self.fields[name].choices = choices  # type: ignore[attr-defined]
            self.fields[name].widget.attrs["size"] = min(8, max(3, len(choices)))
        # The other facets a saved search may hold (stage, transfer mode, organisation type...), as
        # checkboxes under "More filters": every filter of a subscription can be changed here.
        self.more_names = [name for name in keyword_filters() if name not in ("plan_industry", "discipline")]
        for name in self.more_names:
            self.fields[name] = forms.MultipleChoiceField(
                label=filter_label(name), required=False, choices=_choices(name, current.get(name, [])),
                widget=forms.CheckboxSelectMultiple,
            )  # fmt: skip
            if instance is not None and not self.is_bound:
                self.initial[name] = current.get(name, [])
        style_fields(self)
        if instance is None:
            del self.fields["active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_bounds(self, data)  # with the other errors, not only once they are fixed
        return data

    @property
    def more_open(self) -> bool:
        """Show "More filters" unfolded: one of them is set or wrong."""
        return any(self[name].value() or self[name].errors for name in self.more_names)

    def criteria(self) -> subscriptions.Criteria:
        d = self.cleaned_data
        terms = {
            "plan_industry": d.get("plan_industry") or [],
            "discipline": d.get("discipline") or [],
            "region": region_codes(d.get("regions", "")),
            **{name: d.get(name) or [] for name in self.more_names},
        }
        ranges = {
            name: [None if d.get(f"{name}_{end}") is None else float(d[f"{name}_{end}"]) for end in ("min", "max")]
            for name in RANGES
        }
        # The saved subscription's other filters (of other record types), which this form does not
        # show, stay as they were.
        saved = self.instance
        unchanged = subscriptions.Criteria(terms=dict(saved.terms), ranges=dict(saved.ranges)) if saved else None
        return subscriptions.clean_criteria(
            query=d.get("query", ""),
            type_names=d.get("types") or [],
            terms=terms,
            ranges=ranges,
            unchanged=unchanged,
            labelled=False,  # said under its field, or after its label above the form (`_add_errors`)
        )


def _messages(exc: DomainError) -> list[str]:
    """What the user is told of a refused subscription: each field's message after its label
    ("Industry: Unknown value: a."), else the error's."""
    fields: dict[str, list[str]] = exc.details.get("fields") or {}
    labels = {
        f"{group}.{spec.name}": str(spec.label)
        for st in types().values()
        for spec in st.filters
        for group in ("terms", "ranges")
    }
    labels["types"] = gettext("Record types")
    named = gettext("%(field)s: %(message)s")
    out = [
        named % {"field": labels[key], "message": message} if key in labels else message
        for key, messages_ in fields.items()
        for message in messages_
    ]
    return out or [exc.message]


# The service's error keys and the form fields that show them.
FORM_FIELDS = {
    "query": "query",
    "types": "types",
    "terms.plan_industry": "plan_industry",
    "terms.discipline": "discipline",
    "terms.region": "regions",
    **{f"ranges.{name}": f"{name}_max" for name in RANGES},
}


def _add_errors(form: forms.Form, exc: DomainError) -> None:
    """A refused subscription's messages under the fields the form shows (an unknown region code
    under "Regions"), the others (a saved search's filters the form does not show) above it."""
    fields: dict[str, list[str]] = exc.details.get("fields") or {}

    def shown_at(key: str) -> str | None:
        name = key.removeprefix("terms.")
        return FORM_FIELDS.get(key) or (name if key.startswith("terms.") and name in form.fields else None)

    for key, messages_ in fields.items():
        if (field := shown_at(key)) is not None:
            for message in messages_:
                form.add_error(field, message)
    rest = {k: v for k, v in fields.items() if shown_at(k) is None}
    if rest or not fields:
        for message in _messages(DomainError(exc.error, details={"fields": rest})):
            form.add_error(None, message)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _own(request: HttpRequest, pk: int) -> SearchSubscription:
    try:
        return subscriptions.get_subscription_for_user(_user(request), pk)
    except DomainError as exc:
        raise Http404 from exc


@login_required
@require_GET
def subscription_list(request: HttpRequest) -> HttpResponse:
    qs = (
        subscriptions.subscriptions_of(_user(request))
        .annotate(pending=Count("matches", filter=Q(matches__notified_at__isnull=True)), matched=Count("matches"))
        .order_by("-created_at", "-pk")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    regions = services.region_names(subscriptions.region_codes_of(page))
    rows = [(s, subscriptions.describe(s, regions), subscriptions.search_url(s)) for s in page]
    return render(request, "search/subscriptions.html", {"page": page, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def subscription_create(request: HttpRequest) -> HttpResponse:
    """A profile of interests: keywords, record types, industries, disciplines, regions."""
    form = SubscriptionForm(request.POST or None, initial={"frequency": SearchSubscription.Frequency.DAILY})
    if request.method == "POST" and form.is_valid():
        try:
            sub = subscriptions.create_subscription(
                actor=_user(request),
                name=form.cleaned_data["name"],
                criteria=form.criteria(),
                kind=SearchSubscription.Kind.PROFILE,
                frequency=form.cleaned_data["frequency"],
            )
        except DomainError as exc:
            # The same interests again open the profile that has them instead of a second one (which
            # would only double the matches listed).
            if exc.error == subscriptions.SAVED_ALREADY:
                saved = SearchSubscription.objects.filter(pk=exc.details["id"]).values("name", "frequency").first()
                name, frequency = form.cleaned_data["name"], form.cleaned_data["frequency"]
                if saved is not None and ((name and name != saved["name"]) or frequency != saved["frequency"]):
                    # What was typed is not lost without a word: the saved profile keeps its own.
                    messages.info(
                        request,
                        gettext(
                            "You already have a profile of these interests, “%(name)s”; here it is. The name and "
                            "frequency you entered were not saved: change them here if you want them."
                        )
                        % {"name": saved["name"]},
                    )
                else:
                    messages.info(request, gettext("You already have a profile of these interests; here it is."))
                return redirect("search:subscription_edit", pk=exc.details["id"])
            _add_errors(form, exc)
        else:
            messages.success(request, gettext("Subscription “%(name)s” saved.") % {"name": sub.name})
            for warning in subscriptions.save_warnings(sub.query):
                messages.warning(request, warning)
            return redirect("search:subscriptions")
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "search/subscriptions_form.html", {"form": form}, status=status)


@login_required
@require_POST
def subscription_save_search(request: HttpRequest) -> HttpResponse:
    """The search page's "subscribe" button: its query string is the search to save, read as the
    search page reads it (`lenient_data`: a page number, an unknown record type or an over-long
    question do not stop it). A search that cannot be saved goes back to that search, not to an
    empty search page."""
    data, notes = lenient_data(request.GET)
    form = SearchForm(data, labelled=True)  # the refusal is a message of its own, away from the fields
    if not form.is_valid():
        why = [str(e) for errors in form.errors.values() for e in errors]
        messages.error(request, " ".join([gettext("This search cannot be saved: some filters are not valid."), *why]))
        return redirect(f"{reverse('search:search')}?{request.GET.urlencode()}")
    try:
        criteria = subscriptions.criteria_from_search(form.request_kwargs())
        sub = subscriptions.create_subscription(
            actor=_user(request),
            name=request.POST.get("name", ""),
            criteria=criteria,
            kind=SearchSubscription.Kind.SEARCH,
            frequency=SearchSubscription.Frequency.DAILY,
        )
    except DomainError as exc:
        if exc.error == subscriptions.SAVED_ALREADY:  # a second click opens the saved one
            messages.info(request, gettext("You have already saved this search; here it is."))
            return redirect("search:subscription_edit", pk=exc.details["id"])
        # Back on the search, which the user can change.
        messages.error(request, " ".join([gettext("This search cannot be saved."), *_messages(exc)]))
        return redirect(f"{reverse('search:search')}?{request.GET.urlencode()}")
    messages.success(request, gettext("Search saved. You will get a daily digest of new matches; change it here."))
    for warning in [n for n in notes if n == question_cut_note()]:
        messages.warning(request, warning)
    for warning in subscriptions.save_warnings(criteria.query, form.cleaned_data.get("mode") or ""):
        messages.warning(request, warning)
    return redirect("search:subscription_edit", pk=sub.pk)


@login_required
@require_http_methods(["GET", "POST"])
def subscription_edit(request: HttpRequest, pk: int) -> HttpResponse:
    sub = _own(request, pk)
    form = SubscriptionForm(request.POST or None, instance=sub)
    if request.method == "POST" and form.is_valid():
        try:
            saved = subscriptions.update_subscription(
                actor=_user(request),
                subscription_id=sub.pk,
                name=form.cleaned_data["name"],
                criteria=form.criteria(),
                frequency=form.cleaned_data["frequency"],
                active=form.cleaned_data["active"],
            )
        except DomainError as exc:
            if exc.error == Errors.NOT_FOUND:
                raise Http404 from exc
            _add_errors(form, exc)
        else:
            messages.success(request, gettext("Subscription saved."))
            for warning in subscriptions.save_warnings(saved.query):
                messages.warning(request, warning)
            return redirect("search:subscriptions")
    status = 400 if form.is_bound and not form.is_valid() else 200
    filters = subscriptions.describe(sub)
    context = {"form": form, "subscription": sub, "filters": filters, "filters_text": clause_separator().join(filters)}
    return render(request, "search/subscriptions_form.html", context, status=status)


@login_required
@require_POST
def subscription_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """Pause or resume."""
    sub = _own(request, pk)
    subscriptions.update_subscription(actor=_user(request), subscription_id=sub.pk, active=not sub.active)
    return redirect("search:subscriptions")


@login_required
@require_POST
def subscription_delete(request: HttpRequest, pk: int) -> HttpResponse:
    sub = _own(request, pk)
    subscriptions.delete_subscription(actor=_user(request), subscription_id=sub.pk)
    messages.success(request, gettext("Subscription “%(name)s” deleted.") % {"name": sub.name})
    return redirect("search:subscriptions")
