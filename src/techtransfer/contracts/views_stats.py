"""Statistics pages (officials, reviewers, platform admins), the XLSX export, the public summary and
the subsidy overview."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from techtransfer.contracts import access, exports, selectors, subsidies
from techtransfer.contracts.models import SubsidyRule
from techtransfer.core.ids import parse_id
from techtransfer.core.models import Region, User

WAN = Decimal(10000)


def _scope(request: HttpRequest) -> tuple[str, int | None]:
    """The region prefix and year asked for, checked against the user's jurisdiction (404 if outside)."""
    user: User = request.user  # type: ignore[assignment]
    if not access.may_see_statistics(user):
        raise Http404
    regions = access.statistics_regions(user)
    code = request.GET.get("region", "").strip()
    if code:
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise Http404
        prefix = region.prefix
    else:
        prefix = "" if regions is None else min((r.prefix for r in regions), key=len)
    if not access.may_see_region_statistics(user, prefix):
        raise Http404
    year_raw = request.GET.get("year", "")
    year: int | None
    if year_raw == "all":
        year = None
    elif (number := parse_id(year_raw)) is not None and 1990 <= number <= 2100:
        year = number
    else:
        year = timezone.localdate().year
    return prefix, year


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
    prefix, year = _scope(request)
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
        "matrix": list(zip(st.flow_regions, selectors.flow_matrix(st.flows, st.flow_regions), strict=True)),
        "query": request.GET.urlencode(),
    }
    return render(request, "contracts/statistics.html", context)


@login_required
@require_GET
def statistics_xlsx(request: HttpRequest) -> HttpResponse:
    prefix, year = _scope(request)
    content = exports.statistics_workbook(prefix, year)
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
    prefix, year = _scope(request)
    year = year or timezone.localdate().year
    province = (prefix or "36")[:2]
    if not access.may_see_region_statistics(request.user, province):  # type: ignore[arg-type]
        raise Http404
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
            "today": datetime.date.today(),
        },
    )
