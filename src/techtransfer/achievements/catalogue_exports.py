"""Catalogue exports: XLSX (openpyxl), DOCX (python-docx) and PDF (reportlab) laid out like an official catalogue.

The PDF embeds a subset of WenQuanYi Micro Hei, shipped in fonts/ (see fonts/README.md), so that
Chinese renders on every reader without system fonts. Labels follow the active language; the
catalogue's data (names, numbers, notes) are exported as entered. Callers pass the entries a reader
may see (`catalogue_access.catalogue_entries`), already in order; numbering restarts at 1.
"""

import functools
import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.core.cache import cache
from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from techtransfer.achievements.catalogue_access import catalogue_entries
from techtransfer.achievements.choices import TransferMode
from techtransfer.achievements.models import Catalogue, CatalogueEntry
from techtransfer.core.forms import region_full_label
from techtransfer.core.spreadsheets import without_formulas
from techtransfer.core.wording import list_separator

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FILE = FONT_DIR / "wqy-microhei.ttc"
PDF_FONT = "WenQuanYiMicroHei"  # the PostScript name of face 0 of the collection
# Symbols and emoji the Chinese font does not draw (✓, ☀, 🚀): a subset of Symbola, see fonts/README.md.
SYMBOL_FONT_FILE = FONT_DIR / "symbola-symbols.ttf"
PDF_SYMBOL_FONT = "SymbolaSymbols"
# Emoji presentation selectors and joiners draw nothing of their own; left in, they print as boxes.
_INVISIBLE = dict.fromkeys(map(ord, "\ufe0e\ufe0f\u200d"))
DOCX_FONT = "WenQuanYi Micro Hei"  # its family name, as Word looks it up
ABSTRACT_CHARS = 200

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"
CONTENT_TYPES = {"xlsx": XLSX_TYPE, "docx": DOCX_TYPE, "pdf": PDF_TYPE}


@dataclass(frozen=True)
class EntryRow:
    """One entry as every format shows it."""

    number: int
    name: str
    registration_number: str
    organisation: str
    region: str
    industry: str
    stage: str
    transfer_modes: str
    abstract: str
    note: str
    achievement_id: int


def _trim(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def entry_rows(entries: Iterable[CatalogueEntry], *, start: int = 1) -> list[EntryRow]:
    """Rows numbered from `start` in the given order (load entries with `catalogue_entries` to avoid queries)."""
    rows = []
    modes = dict(TransferMode.choices)
    sep = list_separator()
    for number, entry in enumerate(entries, start=start):
        a = entry.achievement
        industry = a.get_plan_industry_display() if a.plan_industry else a.get_emerging_industry_display()
        rows.append(
            EntryRow(
                number=number,
                name=a.name,
                registration_number=a.registration_number or "",
                organisation=a.organisation.name,
                region=region_full_label(a.region),
                industry=str(industry or ""),
                stage=_("%(stage)s (TRL %(trl)s)") % {"stage": a.get_stage_display(), "trl": a.trl},
                transfer_modes=sep.join(str(modes.get(m, m)) for m in (a.transfer_modes or [])),
                abstract=_trim(a.abstract, ABSTRACT_CHARS),
                note=entry.note,
                achievement_id=a.pk,
            )
        )
    return rows


def subtitle(catalogue: Catalogue) -> str:
    parts = [catalogue.owner.name, str(catalogue.year), str(catalogue.get_kind_display())]
    return " · ".join(parts)


def published_line(catalogue: Catalogue) -> str:
    if catalogue.published_at is None:
        return _("Draft, not published")
    day = timezone.localtime(catalogue.published_at).date()
    return _("Published on %(date)s") % {"date": day.isoformat()}


def headers() -> list[str]:
    return [
        # Translators: column of the catalogue table, 序号
        _("No."),
        # Translators: 成果名称
        _("Achievement name"),
        # Translators: 登记号
        _("Registration number"),
        # Translators: 完成单位
        _("Completing organisation"),
        # Translators: 所属地区
        _("Region"),
        # Translators: 行业
        _("Industry"),
        # Translators: 成熟度
        _("Maturity"),
        # Translators: 转化方式
        _("Transfer modes"),
        # Translators: 编者按
        _("Editorial note"),
    ]


def export_filename(catalogue: Catalogue, ext: str) -> str:
    """The catalogue title made safe as a file name (Chinese kept), with the extension."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", catalogue.title).strip(" ._") or f"catalogue-{catalogue.pk}"
    return f"{name[:100]}.{ext}"


# --- XLSX --------------------------------------------------------------------------------------------------


def export_xlsx(catalogue: Catalogue, entries: Sequence[CatalogueEntry]) -> bytes:
    """Row 1 title, row 2 compiler · year · kind and publication date, row 3 headers, entries from row 4."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    rows = entry_rows(entries)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = re.sub(r"[\[\]:*?/\\]", "_", catalogue.title)[:31] or "catalogue"
    cols = len(headers())
    ws.append([catalogue.title])
    ws.append([f"{subtitle(catalogue)} · {published_line(catalogue)}"])
    ws.append(headers())
    for r in rows:
        ws.append(
            [
                r.number, r.name, r.registration_number, r.organisation, r.region, r.industry, r.stage,
                r.transfer_modes, r.note,
            ]
        )  # fmt: skip
    last = get_column_letter(cols)
    ws.merge_cells(f"A1:{last}1")
    ws.merge_cells(f"A2:{last}2")
    ws["A1"].font = Font(name=DOCX_FONT, size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    ws["A2"].alignment = Alignment(horizontal="center")
    thin = Side(style="thin", color="999999")
    for cell in ws[3]:
        cell.font = Font(name=DOCX_FONT, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for row in ws.iter_rows(min_row=4, max_row=3 + len(rows)):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for i, width in enumerate([6, 36, 15, 28, 22, 18, 16, 24, 40], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    without_formulas(wb).save(out)
    return out.getvalue()


# --- DOCX ---------------------------------------------------------------------------------------------------


def _docx_font(rpr_owner: Any, name: str) -> None:
    """Set the Latin and East Asian font of a style or run; theme fonts would override w:eastAsia."""
    from docx.oxml.ns import qn

    rpr = rpr_owner.element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)


def _docx_field(paragraph: Any, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays out the document."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("text", "1"), ("end", None)):
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {text} "
        elif kind == "text":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._r.append(el)


def _page_of_pages(paragraph: Any) -> None:
    """ "Page N of M" in the active language, with N and M as Word fields."""
    marker = "\x00"
    text = _("Page %(n)s of %(total)s") % {"n": marker + "PAGE" + marker, "total": marker + "NUMPAGES" + marker}
    for i, part in enumerate(text.split(marker)):
        if i % 2:
            _docx_field(paragraph, part)
        elif part:
            paragraph.add_run(part)


def export_docx(catalogue: Catalogue, entries: Sequence[CatalogueEntry]) -> bytes:
    """Title, subtitle, then numbered entries: the name in bold, then one line per field."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt, RGBColor

    rows = entry_rows(entries)
    doc = Document()
    for style_name in ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Header", "Footer"):
        _docx_font(doc.styles[style_name], DOCX_FONT)
    doc.styles["Normal"].font.size = Pt(10.5)  # 五号
    for style_name in ("Title", "Heading 2"):
        doc.styles[style_name].font.color.rgb = RGBColor(0, 0, 0)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin = section.bottom_margin = Mm(25)
    header = section.header.paragraphs[0]
    header.text = catalogue.title
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_of_pages(footer)
    doc.core_properties.title = catalogue.title
    doc.core_properties.author = catalogue.owner.name

    title = doc.add_paragraph(catalogue.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in (subtitle(catalogue), published_line(catalogue)):
        p = doc.add_paragraph(line, style="Subtitle")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if catalogue.description:
        doc.add_paragraph(catalogue.description)
    doc.add_paragraph(_("%(n)s achievements") % {"n": len(rows)})

    labels = headers()
    for r in rows:
        heading = doc.add_paragraph(style="Heading 2")
        heading.add_run(f"{r.number}. ")
        name = heading.add_run(r.name)
        name.bold = True
        fields = [
            (labels[2], r.registration_number),
            (labels[3], r.organisation),
            (labels[4], r.region),
            (labels[5], r.industry),
            (labels[6], r.stage),
            (labels[7], r.transfer_modes),
            (_("Abstract"), r.abstract),
            (labels[8], r.note),
        ]
        for label, value in fields:
            if not value:
                continue
            p = doc.add_paragraph()
            p.paragraph_format.space_after = Pt(2)
            p.add_run(f"{label}：" if (get_language() or "").startswith("zh") else f"{label}: ").bold = True
            p.add_run(value)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- PDF -------------------------------------------------------------------------------------------------------


@functools.cache
def register_pdf_font() -> str:
    """Register the shipped CJK font with reportlab once per process; returns its name."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics, ttfonts
    from reportlab.pdfbase.ttfonts import TTFont

    # reportlab 5.1 writes each character's Unicode value as <%04X>: an emoji beyond U+FFFF comes out
    # as five hex digits, which readers cut to four (🚀 U+1F680 is copied as Ὠ U+1F68). PDF wants
    # UTF-16BE there, a surrogate pair for those; the glyphs were right all along.
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    pdfmetrics.registerFont(TTFont(PDF_FONT, str(FONT_FILE), subfontIndex=0))
    pdfmetrics.registerFont(TTFont(PDF_SYMBOL_FONT, str(SYMBOL_FONT_FILE)))
    # One face only: <b> and <i> in paragraphs map back to it instead of failing.
    for name in (PDF_FONT, PDF_SYMBOL_FONT):
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(name, bold, italic, name)
    return PDF_FONT


def _to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """reportlab's `ttfonts.makeToUnicodeCMap`, each destination in UTF-16BE (see `register_pdf_font`)."""
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *(f"<{i:02X}> <{chr(code).encode('utf-16-be').hex().upper()}>" for i, code in enumerate(subset)),
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


@functools.cache
def _symbol_only() -> frozenset[int]:
    """Code points the symbol font draws and the Chinese font does not."""
    from reportlab.pdfbase import pdfmetrics

    register_pdf_font()
    chinese = pdfmetrics.getFont(PDF_FONT).face.charToGlyph
    return frozenset(c for c in pdfmetrics.getFont(PDF_SYMBOL_FONT).face.charToGlyph if c not in chinese)


def pdf_segments(text: str) -> list[tuple[str, str]]:
    """`text` cut into (font name, text) runs: symbols the Chinese font lacks in the symbol font
    (节能🌱技术 → 节能, 🌱, 技术), emoji selectors and joiners dropped."""
    symbols = _symbol_only()
    runs: list[tuple[str, str]] = []
    for ch in text.translate(_INVISIBLE):
        font = PDF_SYMBOL_FONT if ord(ch) in symbols else PDF_FONT
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + ch)
        else:
            runs.append((font, ch))
    return runs


def pdf_markup(text: str) -> str:
    """`text` as escaped paragraph markup, runs of symbols in the symbol font (`pdf_segments`)."""
    return "".join(
        f'<font name="{font}">{escape(run)}</font>' if font == PDF_SYMBOL_FONT else escape(run)
        for font, run in pdf_segments(text)
    )


def draw_centred(canvas: Any, x: float, y: float, text: str, size: float) -> None:
    """`canvas.drawCentredString` with the symbol font for the runs that need it."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    runs = pdf_segments(text)
    x -= sum(stringWidth(run, font, size) for font, run in runs) / 2
    for font, run in runs:
        canvas.setFont(font, size)
        canvas.drawString(x, y, run)
        x += stringWidth(run, font, size)


def _pdf_styles() -> dict[str, Any]:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    font = register_pdf_font()
    base = ParagraphStyle("base", fontName=font, fontSize=10, leading=15, wordWrap="CJK")
    return {
        "body": base,
        "label": ParagraphStyle("label", parent=base, textColor=colors.HexColor("#444444")),
        "cover_title": ParagraphStyle("cover_title", parent=base, fontSize=26, leading=36, alignment=TA_CENTER),
        "cover_line": ParagraphStyle("cover_line", parent=base, fontSize=13, leading=22, alignment=TA_CENTER),
        "cover_text": ParagraphStyle("cover_text", parent=base, fontSize=11, leading=18),
        "section": ParagraphStyle("section", parent=base, fontSize=16, leading=24, alignment=TA_CENTER, spaceAfter=12),
        "entry": ParagraphStyle(
            "entry",
            parent=base,
            fontSize=12.5,
            leading=18,
            spaceBefore=10,
            spaceAfter=4,
            textColor=colors.HexColor("#0b3d91"),
        ),
        # The contents' lines stop short of the right edge (36 pt): a title that fills its last line
        # still leaves room for the leader dots and the page number, which are drawn up to the edge.
        "toc": ParagraphStyle("toc", parent=base, fontSize=10, leading=15, leftIndent=0, rightIndent=36),
    }


def export_pdf(catalogue: Catalogue, entries: Sequence[CatalogueEntry]) -> bytes:
    """A4: cover, contents with page numbers, numbered entries; header with the title, "Page N of M" below."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        KeepTogether,
        NextPageTemplate,
        PageBreak,
        PageTemplate,
        Paragraph,
        Spacer,
        Table,
        TableStyle,
    )
    from reportlab.platypus.tableofcontents import TableOfContents

    font = register_pdf_font()
    styles = _pdf_styles()
    rows = entry_rows(entries)
    width, height = A4
    margin = 20 * mm
    page_label = _("Page %(n)s of %(total)s")

    class NumberedCanvas(Canvas):
        """Defers page furniture until the total is known (two-pass page numbering)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                if self._pageNumber > 1:  # the cover carries no furniture
                    self.setFont(font, 9)
                    self.setFillColor(colors.HexColor("#555555"))
                    draw_centred(self, width / 2, height - 12 * mm, catalogue.title, 9)
                    self.setStrokeColor(colors.HexColor("#999999"))
                    self.line(margin, height - 14 * mm, width - margin, height - 14 * mm)
                    self.setFont(font, 9)
                    self.drawCentredString(width / 2, 10 * mm, page_label % {"n": self._pageNumber, "total": total})
                super().showPage()
            super().save()

    class CatalogueDoc(BaseDocTemplate):
        def afterFlowable(self, flowable: Any) -> None:
            key = getattr(flowable, "toc_key", None)
            if key is not None:
                self.canv.bookmarkPage(key)
                self.notify("TOCEntry", (0, flowable.toc_text, self.page, key))

    out = io.BytesIO()
    doc = CatalogueDoc(
        out, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=22 * mm, bottomMargin=18 * mm,
        title=catalogue.title, author=catalogue.owner.name, subject=subtitle(catalogue), creator="techtransfer",
        initialFontName=font, initialFontSize=10,
    )  # fmt: skip
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="cover", frames=[frame]), PageTemplate(id="body", frames=[frame])])

    story: list[Any] = [
        Spacer(1, 60 * mm),
        Paragraph(pdf_markup(catalogue.title), styles["cover_title"]),
        Spacer(1, 12 * mm),
    ]
    for line in (catalogue.owner.name, str(catalogue.get_kind_display()), published_line(catalogue)):
        story.append(Paragraph(pdf_markup(line), styles["cover_line"]))
    story.append(Paragraph(pdf_markup(_("%(n)s achievements") % {"n": len(rows)}), styles["cover_line"]))
    if catalogue.description:
        story += [Spacer(1, 15 * mm), Paragraph(pdf_markup(catalogue.description), styles["cover_text"])]
    story += [NextPageTemplate("body"), PageBreak(), Paragraph(pdf_markup(_("Contents")), styles["section"])]
    toc = TableOfContents(
        dotsMinLevel=0,
        tableStyle=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )
    toc.levelStyles = [styles["toc"]]
    # Known titles up front: the first pass already lays the contents out at full length, so the
    # second pass only fills in page numbers (two passes instead of three).
    toc.addEntries([(0, f"{r.number}. {pdf_markup(r.name)}", 0, f"entry-{r.number}") for r in rows])
    story += [toc, PageBreak()]

    labels = headers()
    cell = styles["body"]
    for r in rows:
        heading = Paragraph(f"{r.number}. {pdf_markup(r.name)}", styles["entry"])
        heading.toc_key = f"entry-{r.number}"  # type: ignore[attr-defined]
        heading.toc_text = f"{r.number}. {pdf_markup(r.name)}"  # type: ignore[attr-defined]
        fields = [
            (labels[2], r.registration_number),
            (labels[3], r.organisation),
            (labels[4], r.region),
            (labels[5], r.industry),
            (labels[6], r.stage),
            (labels[7], r.transfer_modes),
            (_("Abstract"), r.abstract),
            (labels[8], r.note),
        ]
        data = [[Paragraph(pdf_markup(k), styles["label"]), Paragraph(pdf_markup(v), cell)] for k, v in fields if v]
        table = Table(data, colWidths=[32 * mm, doc.width - 32 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), font),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
                    ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f4f8")),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        story.append(KeepTogether([heading, table]))
    if not rows:
        story.append(Paragraph(pdf_markup(_("This catalogue has no entries.")), styles["body"]))
    doc.multiBuild(story, canvasmaker=NumberedCanvas)
    return out.getvalue()


EXPORTERS = {"xlsx": export_xlsx, "docx": export_docx, "pdf": export_pdf}
CACHE_SECONDS = 3600


def export(catalogue: Catalogue, entries: Sequence[CatalogueEntry], fmt: str) -> bytes:
    return EXPORTERS[fmt](catalogue, entries)


def export_for_download(catalogue: Catalogue, fmt: str) -> bytes:
    """The export of what readers see; published catalogues are cached (a PDF of 300 entries takes seconds).

    A published catalogue is frozen, but its records may still change (approved revisions, renamed
    organisations, withdrawals), so the cache key carries a fingerprint of them and the language.
    """
    entries = catalogue_entries(catalogue)
    if catalogue.status != Catalogue.Status.PUBLISHED:
        return export(catalogue, list(entries), fmt)
    fingerprint = entries.aggregate(
        n=Count("pk"),
        ids=Sum("achievement_id"),
        records=Max("achievement__updated_at"),
        organisations=Max("achievement__organisation__updated_at"),
    )
    raw = f"{catalogue.pk}|{fmt}|{get_language()}|{catalogue.updated_at}|{catalogue.owner.updated_at}|{fingerprint}"
    key = "catalogue-export:" + hashlib.sha256(raw.encode()).hexdigest()
    data: bytes | None = cache.get(key)
    if data is None:
        data = export(catalogue, list(entries), fmt)
        cache.set(key, data, CACHE_SECONDS)
    return data
