"""The statistics workbook (XLSX, openpyxl): one sheet per breakdown plus the underlying contracts."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from techtransfer.contracts import selectors
from techtransfer.contracts.models import Contract
from techtransfer.contracts.selectors import Row
from techtransfer.core.models import Region
from techtransfer.core.spreadsheets import without_formulas


def _rows_sheet(ws: Worksheet, title: str, rows: Iterable[Row]) -> None:
    ws.title = title[:31]
    ws.append([_("Item"), _("Contracts"), _("Contract amount (yuan)"), _("Technology transaction amount (yuan)")])
    for r in rows:
        ws.append([r.label, r.count, r.contract_amount, r.technology_amount])


def statistics_workbook(prefix: str, year: int | None, scope_name: str = "") -> bytes:
    """The statistics of `prefix` (a region's code prefix, "" everywhere) and `year` (None: all
    years): a summary naming its scope, a sheet per breakdown, the flows and the output contracts."""
    st = selectors.statistics(prefix, year)
    wb = Workbook()
    summary = wb.active
    _rows_sheet(
        summary,
        _("Summary"),
        [_label(st.output, _("Output (seller in scope)")), _label(st.absorption, _("Absorption (buyer in scope)"))],
    )  # type: ignore[arg-type]
    # The file says what it counts, not only its name (QA: no sheet named its region or year).
    summary.append([])
    summary.append([_("Region"), scope_name or prefix or _("All regions")])
    summary.append([_("Year of registration"), year if year is not None else _("All years")])
    summary.append([_("The breakdowns by month, year, type, field and organisation count the output contracts.")])
    sheets = [
        (_("By month"), st.by_month),
        (_("By year"), st.by_year),
        (_("By contract type"), st.by_type),
        (_("By technical field"), st.by_field),
        (_("By organisation type"), st.by_org_type),
        (_("By buyer entity type"), st.by_buyer_nature),
        (_("Output by region"), st.output_by_region),
        (_("Absorption by region"), st.absorption_by_region),
    ]
    for title, rows in sheets:
        _rows_sheet(wb.create_sheet(), title, rows)
    ws = wb.create_sheet(_("Flows")[:31])
    ws.append([_("Seller region"), _("Buyer region"), _("Contracts"), _("Technology transaction amount (yuan)")])
    for s, b, n, ta in st.flows:
        ws.append([s, b, n, ta])
    matrix = wb.create_sheet(_("Flow matrix")[:31])
    # Only regions with contracts on each side, as on the page; a blank cell: no contract.
    m = st.matrix
    matrix.append([_("Seller \\ buyer"), *m.buyers, _("Total")])
    for name, cells, row_total in m.rows:
        matrix.append([name, *(c.technology_amount if c.count else None for c in cells), row_total.technology_amount])
    if m.sellers:
        matrix.append([_("Total"), *(c.technology_amount for c in m.column_totals), m.total.technology_amount])
    _contracts_sheet(wb.create_sheet(_("Contracts")[:31]), selectors.contract_rows(prefix, year))
    # The contracts the absorption figures count (buyer in scope): for the buyer's region, whose
    # officials read them like the seller's.
    _contracts_sheet(wb.create_sheet(_("Absorption contracts")[:31]), selectors.absorption_rows(prefix, year))
    for sheet in wb.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, Decimal):
                    cell.number_format = "#,##0.00"
                elif isinstance(cell.value, datetime.date):
                    cell.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    without_formulas(wb).save(buffer)
    return buffer.getvalue()


def _contracts_sheet(ws: Worksheet, contracts: Iterable[Contract]) -> None:
    ws.append(
        [
            _("Registration number"), _("Name"), _("Seller"), _("Seller region"), _("Buyer region"), _("Contract type"),
            _("Technical field"), _("Registered at"), _("Contract amount (yuan)"),
            _("Technology transaction amount (yuan)"),
        ]
    )  # fmt: skip
    for c in contracts:
        ws.append(
            [
                c.registration_number, c.name, c.organisation.name, _region(c.seller_region), _region(c.buyer_region),
                c.get_contract_type_display(), c.get_tech_field_display(),
                timezone.localdate(c.registered_at) if c.registered_at else None, c.contract_amount,
                c.technology_amount,
            ]
        )  # fmt: skip


def _region(region: Region | None) -> str:
    """A region as the other sheets name it, after its code (360102 东湖区)."""
    return f"{region.code} {region.name}" if region is not None else ""


def _label(row: Row, label: str) -> Row:
    return Row(row.key, label, row.count, row.contract_amount, row.technology_amount)
