"""Statistics pages (officials, reviewers, platform admins), the XLSX export, the public summary and
the subsidy overview."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from techtransfer.contracts import access, exports, selectors, subsidies
from techtransfer.contracts.models import SubsidyRule
from techtransfer.core.filters import region_of_code
from techtransfer.core.forms import region_full_label
from techtransfer.core.ids import parse_id
from techtransfer.core.models import Region, User

WAN = Decimal(10000)
YEARS = (1990, 2100)  # the registration years a scope may name


@dataclass
class Scope:
    """The region prefix and year a statistics page shows, and why they differ from what was asked
    (shown as messages; the pages fall back to the user's jurisdiction and the current year rather
    than answering a bare 404)."""

    prefix: str
    year: int | None
    notes: list[str]

    @property
    def query(self) -> str:
        params = {"year": self.year or "all"}
        if self.prefix:
            params["region"] = self.prefix.ljust(6, "0")
        return urlencode(params)


def _scope_name(prefix: str) -> str:
    region = Region.objects.filter(code=prefix.ljust(6, "0")).first() if prefix else None
    return region_full_label(region) if region is not None else _("All regions")


def _scope(request: HttpRequest) -> Scope:
    """The scope asked for in `region` and `year`, checked against the user's jurisdiction. Users who
    may read no statistics get 404; a region outside the jurisdiction, an unknown code or a year that
    is not one fall back with a note."""
    user: User = request.user  # type: ignore[assignment]
    if not access.may_see_statistics(user):
        raise Http404
    own = access.own_statistics_prefix(user)
    notes: list[str] = []
    prefix = own
    code = request.GET.get("region", "").strip()
    if code:
        region = region_of_code(code)  # 3607 and ３６０７ are 赣州市, as every region field reads them
        if region is None:
            notes.append(
                _("“%(code)s” is not a region code; the statistics of %(region)s are shown.")
                % {"code": code, "region": _scope_name(own)}
            )
        elif not access.may_see_region_statistics(user, region.prefix):
            notes.append(
                _("You may read the statistics of your jurisdiction only; those of %(region)s are shown.")
                % {"region": _scope_name(own)}
            )
        else:
            prefix = region.prefix
    year_raw = request.GET.get("year", "").strip()
    this_year = timezone.localdate().year
    year: int | None = this_year
    if year_raw == "all":
        year = None
    elif (number := parse_id(year_raw)) is not None and YEARS[0] <= number <= YEARS[1]:
        year = number
    elif year_raw:
        notes.append(
            _("“%(year)s” is not a year from %(first)s to %(last)s; %(shown)s is shown.")
            % {"year": year_raw, "first": YEARS[0], "last": YEARS[1], "shown": this_year}
        )
    return Scope(prefix, year, notes)


def _tell(request: HttpRequest, scope: Scope) -> None:
    for note in scope.notes:
        messages.warning(request, note)


def _wan(value: Decimal) -> float:
    return float((value / WAN).quantize(Decimal("0.01")))


def _chart_rows(rows: list[selectors.Row]) -> list[dict[str, Any]]:
    return [
        {"name": r.label, "count": r.count, "contract": _wan(r.contract_amount), "tech": _wan(r.technology_amount)}
        for r in rows
    ]


@login_required
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    _tell(request, scope)
    prefix, year = scope.prefix, scope.year
    st = selectors.statistics(prefix, year)
    scope_region = Region.objects.filter(code=prefix.ljust(6, "0")).first() if prefix else None
    charts = {
        "by_month": _chart_rows(st.by_month),
        "by_year": _chart_rows(st.by_year),
        "by_type": _chart_rows(st.by_type),
        "by_field": _chart_rows(st.by_field),
        "output_by_region": _chart_rows(st.output_by_region),
        "absorption_by_region": _chart_rows(st.absorption_by_region),
        "flows": [{"source": f"{s} ▸", "target": f"▸ {b}", "value": _wan(ta), "count": n} for s, b, n, ta in st.flows],
        "history": selectors.history(prefix),
    }
    context = {
        "st": st,
        "scope_region": scope_region,
        "year": year,
        "years": list(range(timezone.localdate().year, 2014, -1)),
        "charts": charts,
        "query": scope.query,
        "region_code": prefix.ljust(6, "0") if prefix else "",
        "region_options": selectors.statistics_region_options(access.statistics_regions(request.user)),  # type: ignore[arg-type]
    }
    return render(request, "contracts/statistics.html", context)


@login_required
@require_GET
def statistics_xlsx(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    if scope.notes:
        # Not a file of another scope than asked: the page of the scope shown instead, with the notes.
        _tell(request, scope)
        return redirect(f"{reverse('contracts:statistics')}?{scope.query}")
    prefix, year = scope.prefix, scope.year
    content = exports.statistics_workbook(prefix, year, _scope_name(prefix))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"contract-statistics-{prefix or 'all'}-{year or 'all'}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def public_summary(request: HttpRequest) -> HttpResponse:
    """Totals only: registered contracts and amounts per year, everywhere."""
    st = selectors.statistics("", None)
    return render(request, "contracts/summary.html", {"st": st})


@login_required
@require_GET
def subsidies_view(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    year = scope.year or timezone.localdate().year
    province = access.subsidy_province(scope.prefix)
    if not access.may_see_subsidies(request.user, province):  # type: ignore[arg-type]
        raise Http404
    _tell(request, scope)
    rule = subsidies.rule_for(year, province)
    shares: list[subsidies.Share] = []
    units: list[subsidies.UnitYear] = []
    if rule is not None:
        shares, units = subsidies.compute(rule, year)
    return render(
        request,
        "contracts/subsidies.html",
        {
            "rule": rule,
            "year": year,
            "units": units,
            "total": sum((u.granted for u in units), Decimal("0.00")),
            "shares": len(shares),
            "years": list(range(timezone.localdate().year, 2019, -1)),
            "rules": SubsidyRule.objects.all(),
        },
    )
