"""Statistics of registered contracts, and the historical yearbook series beside them.

Only contracts in status registered count, with their current (amended) figures. A scope is a region
code prefix ("" = everywhere, "36" Jiangxi, "3601" Nanchang, "360121" one county) and optionally a
registration year. Output (输出) counts contracts whose seller lies in the scope, absorption (吸纳)
those whose buyer does; the headline totals are output, the way the yearbooks count provinces.
Amounts are yuan (`Decimal`); pages show 万元.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from techtransfer.audit.history import history as audit_history
from techtransfer.audit.models import AuditEvent
from techtransfer.contracts.choices import ContractStatus, ContractType, NatureCode, PartyRole, TechField
from techtransfer.contracts.models import Contract, HistoricalTurnover
from techtransfer.core.choices import OrganisationType, Role
from techtransfer.core.jurisdiction import jurisdiction_q
from techtransfer.core.models import GROUPING_NAMES, Membership, Region, User
from techtransfer.core.region_names import shown as shown_region_name
from techtransfer.core.roles import own_organisation_ids
from techtransfer.market.models import Deal
from techtransfer.market.selectors import agreed_deals_of_sellers

ZERO = Decimal("0.00")

HISTORY_LABELS = {
    "contract.create": _("Created"),
    "contract.update": _("Edited"),
    "contract.attach": _("Signed contract attached"),
    "contract.submit": _("Submitted for registration"),
    "contract.register": pgettext_lazy("contract history", "Registered"),
    "contract.refuse": _("Refused"),
    "contract.cancel": _("Registration cancelled"),
    "contract.amend": _("Amended"),
}


def timeline(contract: Contract) -> list[AuditEvent]:
    """The contract's recorded steps, oldest first, each with its `label` (`audit.history`)."""
    return audit_history(contract, HISTORY_LABELS)


def statistics_region_options(regions: list[Region] | None) -> list[tuple[str, str]]:
    """(code, label) of the scopes the statistics page offers: each region of `regions` (a user's
    jurisdiction, `access.statistics_regions`) and the cities and counties inside it; everything
    (None, platform admins): "All regions", every province and city. Labels are indented one step a
    level below the highest shown, in code order; grouping entries (市辖区) are left out."""
    if regions is None:
        rows = Region.objects.filter(level__in=["province", "city"])
        options = [("", str(_("All regions")))]
    else:
        if not regions:
            return []
        scope = Q(pk__in=[])
        for r in regions:
            scope |= Q(code__startswith=r.prefix)
        rows = Region.objects.filter(scope)
        options = []
    depth = {"province": 0, "city": 1, "county": 2}
    shown = list(rows.exclude(name__in=GROUPING_NAMES).order_by("code").only("code", "name", "level"))
    top = min((depth.get(r.level, 0) for r in shown), default=0)
    options += [(r.code, "\u3000" * (depth.get(r.level, 0) - top) + shown_region_name(r.name)) for r in shown]
    return options


def registration_queue(user: User) -> QuerySet[Contract]:
    """Submitted contracts whose seller's region this user registers for (a reviewer's jurisdiction),
    the oldest submission first; not those of the user's own organisations, as filer or party
    (`services.decides_own_contract`)."""
    qs = Contract.objects.filter(status=ContractStatus.SUBMITTED).filter(
        jurisdiction_q(user, "seller_region", roles=(Role.GOV_REVIEWER,))
    )
    if own := own_organisation_ids(user):
        qs = qs.exclude(organisation_id__in=own).exclude(parties__organisation_id__in=own)
    return qs.order_by("submitted_at", "pk")


def contracts_holding_deals(*, except_contract_id: int | None = None) -> QuerySet[Contract]:
    """Contracts that hold their market deal: linked and not cancelled (cancelling frees the deal)."""
    qs = Contract.objects.filter(deal__isnull=False).exclude(status=ContractStatus.CANCELLED)
    return qs if except_contract_id is None else qs.exclude(pk=except_contract_id)


def deals_open_for_contract(user: User, *, contract: Contract | None = None) -> QuerySet[Deal]:
    """Agreed market deals the user's organisations sold, that no active contract registers yet
    (the contract being edited keeps its own deal)."""
    org_ids = list(Membership.objects.filter(user=user, is_active=True).values_list("organisation_id", flat=True))
    taken = contracts_holding_deals(except_contract_id=contract.pk if contract is not None else None)
    return agreed_deals_of_sellers(org_ids).exclude(pk__in=taken.values("deal_id"))


@dataclass
class Row:
    key: str
    label: str
    count: int = 0
    contract_amount: Decimal = ZERO
    technology_amount: Decimal = ZERO


@dataclass
class Statistics:
    prefix: str
    year: int | None
    output: Row
    absorption: Row
    by_month: list[Row] = field(default_factory=list)
    by_year: list[Row] = field(default_factory=list)
    by_type: list[Row] = field(default_factory=list)
    by_field: list[Row] = field(default_factory=list)
    by_org_type: list[Row] = field(default_factory=list)
    by_buyer_nature: list[Row] = field(default_factory=list)
    output_by_region: list[Row] = field(default_factory=list)
    absorption_by_region: list[Row] = field(default_factory=list)
    flows: list[tuple[str, str, int, Decimal]] = field(default_factory=list)
    matrix: FlowMatrix = field(default_factory=lambda: FlowMatrix([], [], [], [], [], Cell()))


@dataclass
class Cell:
    """Contracts and their technology amount (yuan) between a seller and a buyer group."""

    count: int = 0
    technology_amount: Decimal = ZERO

    def add(self, count: int, amount: Decimal) -> None:
        self.count += count
        self.technology_amount += amount


@dataclass
class FlowMatrix:
    """The flows as a table: a row per seller group and a column per buyer group that has a contract
    (a region that only bought has no row, one that only sold no column), each row's and each
    column's totals and the grand total, which is every flow's sum. `left_out` tells whether a
    region of the flows has a row or a column only (the page says that the others are left out)."""

    sellers: list[str]
    buyers: list[str]
    cells: list[list[Cell]]
    row_totals: list[Cell]
    column_totals: list[Cell]
    total: Cell
    left_out: bool = False

    @property
    def rows(self) -> list[tuple[str, list[Cell], Cell]]:
        """(seller, its cells by buyer, its total), for the templates."""
        return list(zip(self.sellers, self.cells, self.row_totals, strict=True))


def registered() -> QuerySet[Contract]:
    return Contract.objects.filter(status=ContractStatus.REGISTERED)


def output_contracts(prefix: str, year: int | None = None) -> QuerySet[Contract]:
    qs = registered().filter(seller_region__code__startswith=prefix) if prefix else registered()
    return qs.filter(registered_at__year=year) if year else qs


def absorption_contracts(prefix: str, year: int | None = None) -> QuerySet[Contract]:
    qs = (
        registered().filter(buyer_region__code__startswith=prefix)
        if prefix
        else registered().exclude(buyer_region=None)
    )
    return qs.filter(registered_at__year=year) if year else qs


def _sums(qs: QuerySet[Contract]) -> dict[str, Any]:
    return qs.aggregate(n=Count("pk"), ca=Sum("contract_amount"), ta=Sum("technology_amount"))


def _row(key: str, label: str, agg: dict[str, Any]) -> Row:
    return Row(key, label, int(agg.get("n") or 0), agg.get("ca") or ZERO, agg.get("ta") or ZERO)


def _grouped(qs: QuerySet[Contract], by: str, labels: dict[str, str], all_keys: bool = True) -> list[Row]:
    found = {
        str(r[by]): r
        for r in qs.values(by).annotate(n=Count("pk"), ca=Sum("contract_amount"), ta=Sum("technology_amount"))
    }
    keys = list(labels) if all_keys else []
    keys += [k for k in found if k not in keys]
    return [_row(k, labels.get(k, k), found.get(k, {})) for k in keys]


def child_length(prefix: str) -> int:
    """How many code digits identify the next level down inside the scope."""
    return {0: 2, 2: 4, 4: 6}.get(len(prefix), 6)


def group_code(code: str | None, prefix: str) -> str:
    """The region a code is counted under: the next level inside the scope, the province outside it."""
    if not code:
        return ""
    if code.startswith(prefix):
        return code[: child_length(prefix)]
    return code[:2]


def region_label(group: str, names: dict[str, str], prefix: str = "") -> str:
    """The name of a group. Outside a city or county scope, the rest of its own province is one group
    (`group_code`): named as such, not after the province, which would count the scope in twice."""
    if not group:
        return "—"
    if len(prefix) > 2 and group == prefix[:2]:
        return gettext("Elsewhere in the province")
    return names.get(group.ljust(6, "0"), group)


def _region_names(groups: set[str]) -> dict[str, str]:
    """Code → name of the groups' regions; on English pages (and exports) with the English reading
    beside it: 南昌县 (Nanchang County)."""
    codes = {g.ljust(6, "0") for g in groups if g}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return {code: shown_region_name(name) for code, name in names.items()}


def _by_region(qs: QuerySet[Contract], field_name: str, prefix: str) -> list[Row]:
    buckets: dict[str, Row] = {}
    for r in qs.values(field_name).annotate(n=Count("pk"), ca=Sum("contract_amount"), ta=Sum("technology_amount")):
        g = group_code(r[field_name], prefix)
        row = buckets.setdefault(g, Row(g, ""))
        row.count += int(r["n"])
        row.contract_amount += r["ca"] or ZERO
        row.technology_amount += r["ta"] or ZERO
    names = _region_names(set(buckets))
    for row in buckets.values():
        row.label = region_label(row.key, names, prefix)
    return sorted(buckets.values(), key=lambda r: (-r.technology_amount, r.key))


def statistics(prefix: str = "", year: int | None = None) -> Statistics:
    """Every breakdown of the scope. Each breakdown of output sums to `output` exactly."""
    out_qs = output_contracts(prefix, year)
    abs_qs = absorption_contracts(prefix, year)
    st = Statistics(
        prefix=prefix,
        year=year,
        output=_row("output", "output", _sums(out_qs)),
        absorption=_row("absorption", "absorption", _sums(abs_qs)),
    )
    if year:
        months = {
            int(r["m"]): r
            for r in out_qs.annotate(m=ExtractMonth("registered_at"))
            .values("m")
            .annotate(n=Count("pk"), ca=Sum("contract_amount"), ta=Sum("technology_amount"))
        }
        st.by_month = [_row(str(m), f"{m}", months.get(m, {})) for m in range(1, 13)]
    years = output_contracts(prefix).annotate(y=ExtractYear("registered_at")).values("y")
    st.by_year = [
        _row(str(r["y"]), str(r["y"]), r)
        for r in years.annotate(n=Count("pk"), ca=Sum("contract_amount"), ta=Sum("technology_amount")).order_by("y")
    ]
    st.by_type = _grouped(out_qs, "contract_type", {k: str(v) for k, v in ContractType.choices})
    st.by_field = _grouped(out_qs, "tech_field", {k: str(v) for k, v in TechField.choices})
    st.by_org_type = _grouped(out_qs, "organisation__type", {k: str(v) for k, v in OrganisationType.choices})
    # One buyer per contract (unique constraint), so the join does not multiply rows.
    buyer_nature = out_qs.filter(parties__role=PartyRole.BUYER)
    st.by_buyer_nature = _grouped(buyer_nature, "parties__nature", {k: str(v) for k, v in NatureCode.choices})
    st.output_by_region = _by_region(out_qs, "seller_region_id", prefix)
    st.absorption_by_region = _by_region(abs_qs, "buyer_region_id", prefix)
    st.flows = _flows(prefix, year)
    st.matrix = flow_matrix(st.flows)
    return st


def _flows(prefix: str, year: int | None) -> list[tuple[str, str, int, Decimal]]:
    """Seller group → buyer group with contract count and technology amount, for every registered
    contract with its seller or its buyer in the scope."""
    qs = registered().exclude(buyer_region=None)
    if prefix:
        qs = qs.filter(Q(seller_region__code__startswith=prefix) | Q(buyer_region__code__startswith=prefix))
    if year:
        qs = qs.filter(registered_at__year=year)
    pairs: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [0, ZERO])
    for r in qs.values("seller_region_id", "buyer_region_id").annotate(n=Count("pk"), ta=Sum("technology_amount")):
        key = (group_code(r["seller_region_id"], prefix), group_code(r["buyer_region_id"], prefix))
        pairs[key][0] += int(r["n"])
        pairs[key][1] += r["ta"] or ZERO
    names = _region_names({g for pair in pairs for g in pair})
    return [
        (region_label(s, names, prefix), region_label(b, names, prefix), v[0], v[1])
        for (s, b), v in sorted(pairs.items(), key=lambda kv: (-kv[1][1], kv[0]))
    ]


def flow_matrix(flows: list[tuple[str, str, int, Decimal]]) -> FlowMatrix:
    """Rows = seller groups, columns = buyer groups (each sorted by name), technology amount (yuan).
    Only groups with a contract on that side: a region that only bought was an empty row, one that
    only sold an empty column. The totals add up every flow, so nothing left out is lost from them."""
    sellers = sorted({f[0] for f in flows})
    buyers = sorted({f[1] for f in flows})
    row_of = {r: i for i, r in enumerate(sellers)}
    column_of = {r: i for i, r in enumerate(buyers)}
    cells = [[Cell() for _ in buyers] for _ in sellers]
    rows, columns, total = [Cell() for _ in sellers], [Cell() for _ in buyers], Cell()
    for s, b, n, ta in flows:
        for cell in (cells[row_of[s]][column_of[b]], rows[row_of[s]], columns[column_of[b]], total):
            cell.add(n, ta)
    return FlowMatrix(sellers, buyers, cells, rows, columns, total, left_out=set(sellers) != set(buyers))


# The yearbook's province names, in English for the charts' legends on English pages.
PROVINCES_EN = {
    "北京": "Beijing", "天津": "Tianjin", "河北": "Hebei", "山西": "Shanxi", "内蒙古": "Inner Mongolia",
    "辽宁": "Liaoning", "吉林": "Jilin", "黑龙江": "Heilongjiang", "上海": "Shanghai", "江苏": "Jiangsu",
    "浙江": "Zhejiang", "安徽": "Anhui", "福建": "Fujian", "江西": "Jiangxi", "山东": "Shandong", "河南": "Henan",
    "湖北": "Hubei", "湖南": "Hunan", "广东": "Guangdong", "广西": "Guangxi", "海南": "Hainan", "重庆": "Chongqing",
    "四川": "Sichuan", "贵州": "Guizhou", "云南": "Yunnan", "西藏": "Tibet", "陕西": "Shaanxi", "甘肃": "Gansu",
    "青海": "Qinghai", "宁夏": "Ningxia", "新疆": "Xinjiang",
}  # fmt: skip


def _series_name(stored: str, *, national: bool) -> str:
    """A yearbook series' name in the page's language: 31省合计 / Sum of 31 provinces, 江西 / Jiangxi."""
    if national:
        return str(_("Sum of 31 provinces"))
    if (get_language() or "zh-hans").startswith("zh"):
        return stored
    return PROVINCES_EN.get(stored, stored)


def history(prefix: str) -> dict[str, Any]:
    """The yearbook series for the scope's province (if any) and the 31-province sum, in 亿元."""
    out: dict[str, Any] = {}
    province = prefix[:2].ljust(6, "0") if prefix else ""
    for code in {province, ""}:
        rows = list(HistoricalTurnover.objects.filter(region_code=code).order_by("year"))
        if rows:
            out["province" if code else "national"] = {
                "name": _series_name(rows[0].region_name, national=not code),
                "source": rows[0].source,
                "years": [r.year for r in rows],
                "values": [float((r.turnover_10k / 10000).quantize(Decimal("0.01"))) for r in rows],
            }
    return out


def contract_rows(prefix: str, year: int | None) -> QuerySet[Contract]:
    """The underlying contracts of the output figures, for exports."""
    return (
        output_contracts(prefix, year)
        .select_related("organisation", "seller_region", "buyer_region")
        .order_by("registered_at", "pk")
    )


def absorption_rows(prefix: str, year: int | None) -> QuerySet[Contract]:
    """The underlying contracts of the absorption figures (buyer in scope), for exports: what an
    official of the buyer's region counts and may open (`access.contracts_visible_to`)."""
    return (
        absorption_contracts(prefix, year)
        .select_related("organisation", "seller_region", "buyer_region")
        .order_by("registered_at", "pk")
    )


def registered_contracts_for_achievement(achievement_id: int) -> QuerySet[Contract]:
    """The registered contracts that transfer an achievement: the last link of the path achievement →
    listing → deal → contract, for the achievement's page (counts and numbers only; each contract's
    own page stays behind its permission check)."""
    return registered().filter(achievement_id=achievement_id).order_by("registered_at", "pk")
