"""The valuation sheet as a one- or two-page A4 PDF in the shipped CJK font.

It restates every assumption, the arithmetic of each approach, and says plainly that it is an aid,
not an appraisal (评估辅助，非资产评估报告).
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _

# The font is registered once per process by the catalogue exports; reuse it, don't copy it.
from techtransfer.achievements.catalogue_exports import register_pdf_font
from techtransfer.market.valuation import ValuationSheet

DISCLAIMER_ZH = "评估辅助，非资产评估报告"


def _pct(value: Any) -> str:
    return f"{(value * 100).normalize():f} %"


def valuation_pdf(sheet: ValuationSheet) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = register_pdf_font()
    base = ParagraphStyle("base", fontName=font, fontSize=10, leading=15, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=18, leading=26, spaceAfter=6)
    head = ParagraphStyle("head", parent=base, fontSize=13, leading=20, spaceBefore=10, spaceAfter=4)
    warn = ParagraphStyle(
        "warn",
        parent=base,
        fontSize=11,
        leading=17,
        textColor=colors.HexColor("#8a1c1c"),
        borderColor=colors.HexColor("#8a1c1c"),
        borderWidth=0.8,
        borderPadding=6,
        spaceBefore=6,
        spaceAfter=10,
    )
    i = sheet.inputs

    def p(text: str, style: ParagraphStyle = base) -> Paragraph:
        return Paragraph(escape(text), style)

    def table(rows: list[list[str]]) -> Table:
        t = Table([[p(c) for c in r] for r in rows], hAlign="LEFT")
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                    ("FONTNAME", (0, 0), (-1, -1), font),
                ]
            )
        )
        return t

    story: list[Any] = [
        p(_("Valuation sheet for equity investment (作价投资)"), title),
        p(i.subject),
        p(_("Prepared on %(date)s with the techtransfer valuation aid.") % {"date": timezone.localdate().isoformat()}),
        p(
            f"{DISCLAIMER_ZH}。"
            + _(
                "This sheet is an aid for negotiation, not an asset appraisal report: it only applies the "
                "assumptions below. A valuation for equity investment of state-owned assets needs a qualified "
                "appraisal institution."
            ),
            warn,
        ),
        p(_("Assumptions"), head),
        table(
            [
                [_("Assumption"), _("Value")],
                [_("Royalty rate"), _pct(i.royalty_rate)],
                [_("Technology share of the profit"), _pct(i.technology_share)],
                [_("Discount rate"), _pct(i.discount_rate)],
                [
                    _("Replacement cost (10,000 yuan)"),
                    f"{i.replacement_cost}" if i.replacement_cost is not None else "—",
                ],
                [_("Obsolescence rate"), _pct(i.obsolescence)],
                [_("Comparable deals: industry / mode"), f"{i.industry or '—'} / {i.mode or '—'}"],
            ]
        ),
        p(_("Income approach"), head),
        p(_("Value = Σ revenue × royalty rate × technology share ÷ (1 + discount rate)^year.")),
        table(
            [[_("Year"), _("Revenue forecast"), _("Royalty income"), _("Discount factor"), _("Present value")]]
            + [
                [str(y.year), f"{y.revenue}", f"{y.royalty}", f"{y.discount_factor}", f"{y.present_value}"]
                for y in sheet.income.years
            ]
            + [[_("Total"), "", "", "", f"{sheet.income.value}"]]
        ),
        p(_("Cost approach"), head),
        p(
            _("Value = replacement cost × (1 − obsolescence rate) = %(v)s (10,000 yuan).")
            % {"v": sheet.cost if sheet.cost is not None else "—"}
        ),
        p(_("Market approach"), head),
    ]
    if sheet.market.median is None:
        story.append(p(_("No comparable agreed deal of the same industry and mode is recorded on the platform.")))
    else:
        story.append(
            p(
                _(
                    "Median of %(n)s comparable agreed deals on the platform: %(v)s (10,000 yuan). "
                    "Comparables: %(list)s."
                )
                % {
                    "n": len(sheet.market.comparables),
                    "v": sheet.market.median,
                    "list": ", ".join(str(c) for c in sheet.market.comparables),
                }
            )
        )
    story += [Spacer(1, 8 * mm), p(DISCLAIMER_ZH + " · " + _("Aid only, not an appraisal."), warn)]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=_("Valuation sheet"),
        subject=DISCLAIMER_ZH,
        creator="techtransfer",
    )
    doc.build(story)
    return out.getvalue()
