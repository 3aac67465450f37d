"""Bulk import and export of achievements in one column format, as CSV (UTF-8 with BOM) or XLSX.

The same columns serve the template, the import and the export, so an exported file imports back
into the same records. Every row goes through `forms.AchievementForm` (the one validation of
achievement data) and is created by `services.create_achievement` as a draft of the chosen
organisation. Every problem is reported as (row, field, message); nothing is dropped silently.

The file format is defined in `io_format` (and explained on the XLSX template's second sheet).
Row numbers in reports are spreadsheet row numbers (the header is row 1); row 0 means the file
as a whole.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import IO, Any, Literal, Protocol

import filetype
from django import forms
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from techtransfer.achievements import services
from techtransfer.achievements.access import PUBLIC_Q, government_q, may_export_organisation, member_q
from techtransfer.achievements.choices import CLASSIFIED_LEVELS, IPKind
from techtransfer.achievements.filters import AchievementFilterSet
from techtransfer.achievements.forms import AchievementForm
from techtransfer.achievements.io_format import (
    CHOICE_CLASSES,
    CLASSIFIED_INPUT,
    COLUMN_BY_KEY,
    COLUMNS,
    DATA_COLUMNS,
    DEFAULTED,
    EXAMPLE_MARK,
    FALSE_WORDS,
    HEADER_LOOKUP,
    IMPORT_COLUMNS,
    LIST_JOIN,
    TRUE_WORDS,
    ZH_NAMES,
    Column,
    choice_value,
    fold,
    header_key,
    zh_name,
)
from techtransfer.achievements.ip_numbers import application_number_error
from techtransfer.achievements.models import Achievement, Contributor
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.ids import parse_id
from techtransfer.core.languages import Text
from techtransfer.core.models import User
from techtransfer.core.roles import is_member
from techtransfer.core.spreadsheets import FORMULA_START, csv_text
from techtransfer.core.uploads import check_uploaded_file
from techtransfer.jobs.runtime import JobCancelled

MAX_ROWS = 20_000
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ENTRY_JOIN = "\n"
_SEMICOLON = re.compile(r"[；;]")


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing: import only if every row is valid")
    ACCEPT_VALID = "accept_valid", _("Import the valid rows and report the others")


# --- report -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One line of the import report. `blocking` is False for notices (an ignored column, the example row)."""

    row: int
    field: str
    message: str
    blocking: bool = True


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, unknown or missing columns, too many rows)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass
class ParsedRow:
    number: int
    cells: dict[str, str]


@dataclass
class ValidRow:
    number: int
    data: dict[str, Any]
    contributors: list[dict[str, str]] | None
    ip_items: list[dict[str, str]] | None
    source: str


@dataclass
class ImportOutcome:
    rows: int
    created: list[int] = field(default_factory=list)  # ids of the records created
    saved_rows: list[int] = field(default_factory=list)  # their row numbers
    problems: list[Problem] = field(default_factory=list)
    cancelled: bool = False
    # The file as a whole could not be imported (unreadable, wrong columns, too many rows): no row was
    # read, `problems` says why. The job then ends failed, with that reason as its message.
    file_refused: bool = False

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.blocking)

    @property
    def rejected_rows(self) -> int:
        return len({p.row for p in self.problems if p.blocking and p.row > 1})

    def result(self) -> dict[str, int]:
        return {"created": len(self.created), "errors": self.errors, "rows": self.rows,
                "rejected_rows": self.rejected_rows}  # fmt: skip

    def refusal(self) -> str:
        """Why the file was refused, in one line: each blocking problem, after its column if it has one."""
        return "; ".join(f"{p.field}: {p.message}" if p.field else p.message for p in self.problems if p.blocking)


def report_csv(problems: Iterable[Problem]) -> bytes:
    """The import report as CSV (UTF-8 with BOM): row, field, message."""
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf)
    writer.writerow(
        [
            pgettext("import report column", "row"),
            pgettext("import report column", "field"),
            pgettext("import report column", "message"),
        ]
    )
    writer.writerows([p.row, p.field, _guard(p.message)] for p in problems)
    return buf.getvalue().encode("utf-8")


# --- reading files ------------------------------------------------------------------------------------

FileFormat = Literal["csv", "xlsx"]


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_import_file(f: IO[bytes], *, name: str, size: int) -> FileFormat:
    """Decide CSV or XLSX from the content (XLSX through `check_uploaded_file`, CSV by a text sniff).

    Raises DomainError(UPLOAD_TYPE | UPLOAD_SIZE). The read position is restored.
    """
    if _extension(name) == "xlsx":
        check_uploaded_file(f, name=name, size=size, allowed=frozenset({"xlsx"}))
        return "xlsx"
    if _extension(name) not in ("csv", "txt"):
        raise DomainError(Errors.UPLOAD_TYPE, details={"name": name, "detected": "unknown"})
    if size <= 0 or size > settings.UPLOAD_MAX_BYTES:
        raise DomainError(Errors.UPLOAD_SIZE, details={"size": size, "max_bytes": settings.UPLOAD_MAX_BYTES})
    position = f.tell()
    head = f.read(4096)
    f.seek(position)
    guess = filetype.guess(head)
    if b"\x00" in head or guess is not None or not _looks_like_text(head):
        raise DomainError(Errors.UPLOAD_TYPE, details={"name": name, "detected": guess.mime if guess else "binary"})
    return "csv"


def _looks_like_text(head: bytes) -> bool:
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # Spaces go, line breaks stay: a trailing one marks a list cell whose single entry holds "；".
    return _unguard(str(value).strip(" \t\u3000"))


def _read_csv(content: bytes) -> Iterable[list[str]]:
    text = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise ImportFileError([Problem(0, "", str(_("The file is neither UTF-8 nor GB18030 text.")))])
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", "\t", ";"], key=first_line.count)
    try:
        for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            yield [_cell_text(c) for c in cells]
    except csv.Error as exc:
        raise ImportFileError([Problem(0, "", str(_("The CSV file cannot be read: %s")) % exc)]) from exc


def _read_xlsx(content: bytes) -> Iterable[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors for damaged files
        message = _("The file cannot be read as a spreadsheet: it is damaged, or it is not a real XLSX file.")
        raise ImportFileError([Problem(0, "", str(message))]) from exc
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_cell_text(v) for v in values]
    finally:
        workbook.close()


def parse_file(content: bytes, fmt: FileFormat) -> tuple[list[ParsedRow], list[Problem]]:
    """Rows of the first sheet (XLSX) or of the CSV, keyed by column key, with notices.

    Raises ImportFileError for problems with the file as a whole. Entirely empty rows are skipped
    (they hold nothing); a cell under no header is reported, not ignored.
    """
    lines = iter(_read_csv(content) if fmt == "csv" else _read_xlsx(content))
    header = next(lines, None)
    if header is None or not any(header):
        raise ImportFileError([Problem(1, "", str(_("The first row must hold the column headers.")))])
    columns, problems = _map_header(header)
    rows: list[ParsedRow] = []
    for number, cells in enumerate(lines, start=2):
        if not any(cells):
            continue
        if len(rows) >= MAX_ROWS:
            message = _("The file has more than %(max)s rows. Split it into smaller files.") % {"max": f"{MAX_ROWS:,}"}
            raise ImportFileError([Problem(0, "", str(message))])
        values: dict[str, str] = {}
        for position, text in enumerate(cells):
            column = columns[position] if position < len(columns) else None
            if column is not None:
                values[column.key] = text
            elif text and (position >= len(header) or not header[position]):
                problems.append(
                    Problem(number, f"#{position + 1}", str(_("This cell has no column header; it was not imported.")))
                )
        rows.append(ParsedRow(number, values))
    return rows, problems


def _map_header(header: list[str]) -> tuple[list[Column | None], list[Problem]]:
    columns: list[Column | None] = []
    problems: list[Problem] = []
    fatal: list[Problem] = []
    seen: set[str] = set()
    for text in header:
        if not text:
            columns.append(None)
            continue
        column = HEADER_LOOKUP.get(header_key(text))
        if column is None:
            fatal.append(Problem(1, text, str(_("Unknown column. Use the headers of the template."))))
            columns.append(None)
        elif column.key in seen:
            fatal.append(Problem(1, text, str(_("This column appears twice."))))
            columns.append(None)
        elif column.export_only:
            seen.add(column.key)
            problems.append(Problem(1, column.header, str(_("Export-only column, ignored on import.")), False))
            columns.append(None)
        else:
            seen.add(column.key)
            columns.append(column)
    for column in IMPORT_COLUMNS:
        if column.required and column.key not in seen:
            fatal.append(Problem(1, column.header, str(_("This column is required."))))
    if fatal:
        raise ImportFileError(problems + fatal)
    return columns, problems


# --- validating rows ----------------------------------------------------------------------------------

_LIST_SPLIT = re.compile(r"[|,，;；、\n]+")
_COLON = re.compile(r"[:：]")
_PERSON = re.compile(r"^(?P<name>[^（(]*?)\s*[（(](?P<affiliation>.*)[）)]$")


def _entries(text: str) -> list[str]:
    parts = re.split(r"\r\n|\r|\n", text) if ("\n" in text or "\r" in text) else _SEMICOLON.split(text)
    return [p.strip() for p in parts if p.strip()]


def _too_long(n: int, what: Promise, limit: int) -> str:
    return str(_("Entry %(n)d: the %(what)s is longer than %(max)d characters.") % {"n": n, "what": what, "max": limit})


def parse_organisations(text: str) -> tuple[list[dict[str, str]], list[str]]:
    items: list[dict[str, str]] = []
    errors: list[str] = []
    for n, entry in enumerate(_entries(text), start=1):
        name, contribution = _split_first(entry)
        if not name:
            errors.append(str(_("Entry %(n)d: the name is missing.") % {"n": n}))
        elif len(name) > 200:
            errors.append(_too_long(n, _("name"), 200))
        elif len(contribution) > 500:
            errors.append(_too_long(n, _("contribution"), 500))
        else:
            items.append({"kind": Contributor.Kind.ORGANISATION, "name": name, "contribution": contribution})
    return items, errors


def _split_first(entry: str) -> tuple[str, str]:
    """ "名称：贡献" → (名称, 贡献); only the first colon separates, the contribution may hold more."""
    parts = _COLON.split(entry, maxsplit=1)
    return parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")


def parse_people(text: str) -> tuple[list[dict[str, str]], list[str]]:
    items: list[dict[str, str]] = []
    errors: list[str] = []
    for n, entry in enumerate(_entries(text), start=1):
        who, contribution = _split_first(entry)
        affiliation = ""
        match = _PERSON.match(who)
        if match:
            who, affiliation = match["name"].strip(), match["affiliation"].strip()
        if not who:
            errors.append(str(_("Entry %(n)d: the name is missing.") % {"n": n}))
        elif len(who) > 200:
            errors.append(_too_long(n, _("name"), 200))
        elif len(affiliation) > 200:
            errors.append(_too_long(n, _("affiliation"), 200))
        elif len(contribution) > 500:
            errors.append(_too_long(n, _("contribution"), 500))
        else:
            items.append(
                {"kind": Contributor.Kind.PERSON, "name": who, "affiliation": affiliation, "contribution": contribution}
            )
    return items, errors


# An application, publication or registration number (CN202310000000.0, ZL 2023 1 0000000.0,
# CN116000000A, 2023SR0123456): Latin letters, digits, spaces and . / - only, with at least 4 digits,
# so that a title after the second colon (装置, 5G基站) is not read as one.
_PUBLICATION = re.compile(r"CN\s?\d{7,9}\s?[ABCUSY]\d?", re.IGNORECASE)  # a Chinese publication number
_NUMBER_LIKE = re.compile(r"(?=(?:\D*\d){4})[A-Za-z0-9][A-Za-z0-9 ./\-]*")


def parse_ip_items(text: str) -> tuple[list[dict[str, str]], list[str]]:
    items: list[dict[str, str]] = []
    errors: list[str] = []
    for n, entry in enumerate(_entries(text), start=1):
        colons = [m.start() for m in _COLON.finditer(entry)]
        last = entry[colons[-1] + 1 :].strip() if len(colons) == 2 else ""
        if _PUBLICATION.fullmatch(last):  # type：title：publication number (CN116000000A)
            entry = entry[: colons[1]] + "：" + entry[colons[1] :]
            colons.append(colons[1] + 1)
        elif _NUMBER_LIKE.fullmatch(unicodedata.normalize("NFKC", last)):  # type：title：application number (２０２３…)
            entry += "："
            colons.append(len(entry) - 1)
        if len(colons) < 3:
            errors.append(
                str(
                    _("Entry %(n)d: write type：title：application number：publication number (parts may be empty).")
                    % {"n": n}
                )
            )
            continue
        kind_text = entry[: colons[0]].strip()
        title = entry[colons[0] + 1 : colons[-2]].strip()
        application = entry[colons[-2] + 1 : colons[-1]].strip()
        publication = entry[colons[-1] + 1 :].strip()
        kind = choice_value("ip_kind", kind_text)
        if kind not in IPKind.values:
            errors.append(str(_("Entry %(n)d: unknown IP type “%(kind)s”.") % {"n": n, "kind": kind_text}))
        elif not (title or application or publication):
            errors.append(str(_("Entry %(n)d: give a title or a number.") % {"n": n}))
        elif len(title) > 300:
            errors.append(_too_long(n, _("title"), 300))
        elif len(application) > 64 or len(publication) > 64:
            errors.append(_too_long(n, _("number"), 64))
        elif (wrong := application_number_error(n, kind, application)) is not None:
            errors.append(wrong)
        else:
            items.append(
                {"kind": kind, "title": title, "application_number": application, "publication_number": publication}
            )
    return items, errors


def _default(key: str) -> Any:
    field = Achievement._meta.get_field(key)
    return field.default if isinstance(field, models.Field) else None


def _form_data(cells: Mapping[str, str], problems: dict[str, list[str]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for column in DATA_COLUMNS:
        key = column.key
        text = cells.get(key, "")
        if not text and key in DEFAULTED:
            data[key] = _default(key)
        elif key == "secrecy" and fold(text) in CLASSIFIED_LEVELS | {"涉密"}:
            data[key] = CLASSIFIED_INPUT
        elif key == "transfer_modes":
            data[key] = [choice_value(key, t.strip()) for t in _LIST_SPLIT.split(text) if t.strip()]
        elif key == "price_negotiable":
            folded = fold(text)
            data[key] = folded not in FALSE_WORDS
            if folded and folded not in TRUE_WORDS | FALSE_WORDS:
                problems.setdefault(key, []).append(str(_("Write 是 (yes) or 否 (no).")))
        elif key in CHOICE_CLASSES:
            data[key] = choice_value(key, text)
        else:
            data[key] = text
    return data


class _SharedFields(dict[str, forms.Field]):
    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return dict(self)


class RowForm(AchievementForm):
    """AchievementForm for import rows: the same fields, cleaning and `values()`, without copying
    and styling ~26 fields for every row (that took ~10 ms a row). The fields are taken once from a
    real AchievementForm (so whatever its __init__ sets up is kept) and shared: a row form only
    validates, it is never rendered, and validation does not change fields. Its messages are read in
    the import report, away from the form: each names its field (`labelled`).
    """

    labelled = True

    def __init__(self, data: Mapping[str, Any]) -> None:
        forms.ModelForm.__init__(self, data=data)  # not AchievementForm's: its set-up is in the shared fields

    def full_clean(self) -> None:
        forms.ModelForm.full_clean(self)  # no widget styling

    @classmethod
    def prepare(cls) -> None:
        cls.base_fields = _SharedFields(AchievementForm().fields)


def validate_row(row: ParsedRow) -> tuple[ValidRow | None, list[Problem]]:
    """Check one row with AchievementForm and the contributor and IP formats; problems in column order."""
    found: dict[str, list[str]] = {}
    if not isinstance(RowForm.base_fields, _SharedFields):
        RowForm.prepare()
    form = RowForm(data=_form_data(row.cells, found))
    if not form.is_valid():
        for name, messages in form.errors.items():
            found.setdefault(name, []).extend(str(m) for m in messages)
    parsed: dict[str, list[dict[str, str]] | None] = {}
    for key, parser in (
        ("contributors_org", parse_organisations),
        ("contributors_person", parse_people),
        ("ip_items", parse_ip_items),
    ):
        items, errors = parser(row.cells.get(key, ""))
        parsed[key] = items
        if errors:
            found.setdefault(key, []).extend(errors)
    source = row.cells.get("source", "")
    if len(source) > 200:
        found.setdefault("source", []).append(str(_("At most 200 characters.")))
    if found:
        problems = [
            Problem(row.number, COLUMN_BY_KEY[key].header if key in COLUMN_BY_KEY else "", message)
            for key in [*(c.key for c in COLUMNS), *(k for k in found if k not in COLUMN_BY_KEY)]
            for message in found.get(key, [])
        ]
        return None, problems
    contributors = [*(parsed["contributors_org"] or []), *(parsed["contributors_person"] or [])]
    return (
        ValidRow(
            number=row.number,
            data=form.values(),
            contributors=contributors or None,
            ip_items=parsed["ip_items"] or None,
            source=source,
        ),
        [],
    )


# --- importing ------------------------------------------------------------------------------------------

BATCH = 200
# The longest an all-or-nothing batch keeps SQLite's write lock (it ends after the row that passes it).
BATCH_SECONDS = 1.0
# The pause after each batch on SQLite: its busy handler sleeps up to 100 ms between tries, so without
# it the import's next BEGIN IMMEDIATE took the lock again first and another writer waited 12 s.
BATCH_PAUSE = 0.15


def _let_others_write() -> None:
    if connection.vendor == "sqlite":
        time.sleep(BATCH_PAUSE)


class Progress(Protocol):
    """`JobContext.progress`: `force` writes at once (a new phase), else at most every 0.5 s."""

    def __call__(self, done: int, total: int, message: Text = "", *, force: bool = False) -> None: ...


def _no_progress(done: int, total: int, message: Text = "", *, force: bool = False) -> None:
    return None


def _nothing() -> None:
    return None


class _RollBack(Exception):
    pass


def import_rows(
    *,
    actor: User,
    organisation_id: int,
    rows: Sequence[ParsedRow],
    mode: str,
    notices: Sequence[Problem] = (),
    is_demo: bool = False,
    progress: Progress = _no_progress,
    check_cancelled: Callable[[], None] = _nothing,
) -> ImportOutcome:
    """Validate every row, then create the valid ones as drafts of the organisation.

    `all_or_nothing`: any row with an error → nothing is created; the creation runs in transactions
    of BATCH rows, and what earlier batches created is removed again if a later one fails or the
    import is cancelled (`_save_all_or_nothing`). `accept_valid`: valid rows are created in
    transactions of BATCH rows, rows with errors are reported. Each record is created by
    `services.create_achievement` (which checks the actor's membership and writes the audit event).
    Progress: the first half checks, the second saves ("Saving N of M" before each batch). A cancel
    (JobCancelled from `check_cancelled`) ends the import with `cancelled` set and a report line
    saying from which row on nothing was saved (all or nothing: that nothing was imported).
    """
    outcome = ImportOutcome(rows=len(rows), problems=list(notices))
    step = _Steps(progress, 2 * len(rows))
    try:
        valid = _check_rows(rows, outcome, step, check_cancelled)
        if mode == ImportMode.ALL_OR_NOTHING and outcome.errors:
            return outcome
        _save_rows(actor, organisation_id, valid, mode, is_demo, outcome, step, check_cancelled)
    except JobCancelled:
        outcome.cancelled = True
        if mode == ImportMode.ALL_OR_NOTHING:
            outcome.problems.append(Problem(0, "", str(_("Cancelled: nothing was imported."))))
            return outcome
        saved = set(outcome.saved_rows)
        first = next((r.number for r in rows if r.number not in saved and r.number > max(saved, default=0)), 0)
        message = _("Cancelled: nothing from row %(row)d on was imported.") % {"row": first}
        outcome.problems.append(Problem(0, "", str(message)))
        return outcome
    step(2 * len(rows), _("Done"))
    return outcome


class _Steps:
    def __init__(self, progress: Progress, total: int) -> None:
        self.progress, self.total = progress, total

    def __call__(self, done: int, message: Text, *, force: bool = False) -> None:
        self.progress(done, self.total, message, force=force)


def _checked(done: int, total: int) -> str:
    """The checking step, in the active language (a job's step is stored in every language)."""
    return str(_("Checked %(done)d of %(total)d rows") % {"done": done, "total": total})


def _saving(done: int, total: int) -> str:
    """The saving step before each batch, and once all are saved, in the active language."""
    if done < total:
        return str(_("Saving %(done)d of %(total)d valid rows") % {"done": done, "total": total})
    return str(_("Saved %(done)d of %(total)d valid rows") % {"done": done, "total": total})


def _check_rows(
    rows: Sequence[ParsedRow], outcome: ImportOutcome, step: _Steps, check_cancelled: Callable[[], None]
) -> list[ValidRow]:
    valid: list[ValidRow] = []
    for i, row in enumerate(rows, start=1):
        if row.cells.get("name", "").startswith(EXAMPLE_MARK):
            header = COLUMN_BY_KEY["name"].header
            outcome.problems.append(Problem(row.number, header, str(_("Example row of the template, skipped.")), False))
        else:
            ok, problems = validate_row(row)
            outcome.problems.extend(problems)
            if ok is not None:
                valid.append(ok)
        if i % 50 == 0 or i == len(rows):
            check_cancelled()
            step(i, partial(_checked, i, len(rows)))
    return valid


def _save_rows(
    actor: User,
    organisation_id: int,
    valid: Sequence[ValidRow],
    mode: str,
    is_demo: bool,
    outcome: ImportOutcome,
    step: _Steps,
    check_cancelled: Callable[[], None],
) -> None:
    def create(v: ValidRow) -> int:
        return services.create_achievement(
            actor=actor,
            organisation_id=organisation_id,
            data=v.data,
            contributors=v.contributors,
            ip_items=v.ip_items,
            source=v.source,
            is_demo=is_demo,
        ).pk

    def at(done: int) -> int:
        return outcome.rows + done * outcome.rows // max(len(valid), 1)

    def saved(done: int) -> None:
        # Written before each batch (outside its transaction, so other connections see it): while a
        # batch saves, the page says which rows are being saved, not the last checking step.
        step(at(done), partial(_saving, done, len(valid)), force=True)  # `done`: rows saved so far

    if mode == ImportMode.ALL_OR_NOTHING:
        _save_all_or_nothing(actor, valid, outcome, create, saved, check_cancelled)
        return
    for start in range(0, len(valid), BATCH):
        check_cancelled()
        saved(start)
        with transaction.atomic():
            for v in valid[start : start + BATCH]:
                try:
                    pk = create(v)
                except DomainError as exc:
                    outcome.problems.append(Problem(v.number, "", exc.message))
                else:
                    outcome.created.append(pk)
                    outcome.saved_rows.append(v.number)
        _let_others_write()
    saved(len(valid))


def _save_all_or_nothing(
    actor: User,
    valid: Sequence[ValidRow],
    outcome: ImportOutcome,
    create: Callable[[ValidRow], int],
    saved: Callable[[int], None],
    check_cancelled: Callable[[], None],
) -> None:
    """Save every valid row or none, in transactions of at most BATCH rows and about BATCH_SECONDS (one
    transaction for 3,000 rows held
    SQLite's write lock for over 30 s: other people's saves failed with "database is locked" and the
    worker's heartbeat stopped). When a batch fails, the import is cancelled or an unexpected error
    stops it, the records of the earlier batches are removed again (`services.discard_imported_drafts`,
    one audit event each) and the failing batch rolls back: nothing stays. Between batches the organisation's
    members may see the drafts already saved; after a failure they are gone again.
    """
    created: list[tuple[int, int]] = []
    try:
        while len(created) < len(valid):
            check_cancelled()
            saved(len(created))
            batch: list[tuple[int, int]] = []
            # A batch also ends after BATCH_SECONDS: on a loaded machine 200 rows took up to 30 s.
            deadline = time.monotonic() + BATCH_SECONDS
            with transaction.atomic():
                for v in valid[len(created) : len(created) + BATCH]:
                    try:
                        batch.append((v.number, create(v)))
                    except DomainError as exc:
                        outcome.problems.append(Problem(v.number, "", exc.message))
                        raise _RollBack from exc
                    if time.monotonic() > deadline:
                        break
            created.extend(batch)
            _let_others_write()
        saved(len(created))
    except _RollBack:
        _discard(actor, created, str(_("Row %(row)d could not be saved.") % {"row": outcome.problems[-1].row}))
        return
    except JobCancelled:
        _discard(actor, created, str(_("The import was cancelled.")))
        raise
    except Exception:
        _discard(actor, created, str(_("The import stopped on an error.")))
        raise
    outcome.saved_rows, outcome.created = [n for n, _pk in created], [pk for _n, pk in created]


def _discard(actor: User, created: Sequence[tuple[int, int]], reason: str) -> None:
    if created:
        comment = str(_("All-or-nothing import undone: %(reason)s")) % {"reason": reason}
        services.discard_imported_drafts(actor=actor, achievement_ids=[pk for _n, pk in created], comment=comment)


def import_file(
    *,
    actor: User,
    organisation_id: int,
    content: bytes,
    fmt: FileFormat,
    mode: str,
    progress: Progress = _no_progress,
    check_cancelled: Callable[[], None] = _nothing,
) -> ImportOutcome:
    """Parse and import a CSV or XLSX file; problems with the file as a whole import nothing."""
    if not (actor.is_platform_admin or is_member(actor, organisation_id)):
        return ImportOutcome(rows=0, problems=[Problem(0, "", str(Errors.NOT_FOUND.message))], file_refused=True)
    try:
        rows, notices = parse_file(content, fmt)
    except ImportFileError as exc:
        return ImportOutcome(rows=0, problems=exc.problems, file_refused=True)
    return import_rows(
        actor=actor,
        organisation_id=organisation_id,
        rows=rows,
        mode=mode,
        notices=notices,
        progress=progress,
        check_cancelled=check_cancelled,
    )


# --- exporting -------------------------------------------------------------------------------------------


def _guard(text: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection, `core.spreadsheets`);
    undone on import."""
    return str(csv_text(text))


def _unguard(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def _join_entries(entries: Iterable[str]) -> str:
    """Entries on separate lines. A single entry holding "；" gets a trailing line break, so that
    the import splits on line breaks only (a cell without line breaks is split on "；")."""
    items = list(entries)
    text = ENTRY_JOIN.join(items)
    return text + ENTRY_JOIN if len(items) == 1 and _SEMICOLON.search(items[0]) else text


def _format_people(contributors: Iterable[Contributor]) -> str:
    out = []
    for c in contributors:
        text = c.name + (f"（{c.affiliation}）" if c.affiliation else "")
        out.append(text + (f"：{c.contribution}" if c.contribution else ""))
    return _join_entries(out)


def achievement_cells(a: Achievement) -> dict[str, str]:
    """One achievement as the cells of a row (contributors and IP items should be prefetched)."""
    cells: dict[str, str] = {}
    for column in DATA_COLUMNS:
        key = column.key
        value = getattr(a, key)
        if key == "transfer_modes":
            cells[key] = LIST_JOIN.join(zh_name(key, v) for v in value or [])
        elif key in CHOICE_CLASSES:
            cells[key] = zh_name(key, value)
        elif key == "keywords":
            cells[key] = LIST_JOIN.join(value or [])
        elif key in ("research_start", "research_end"):
            cells[key] = value.strftime("%Y-%m") if value else ""
        elif key == "price_negotiable":
            cells[key] = "是" if value else "否"
        else:
            cells[key] = "" if value is None else str(value)
    contributors = list(a.contributors.all())
    orgs = [c for c in contributors if c.kind == Contributor.Kind.ORGANISATION]
    cells["contributors_org"] = _join_entries(c.name + (f"：{c.contribution}" if c.contribution else "") for c in orgs)
    cells["contributors_person"] = _format_people(c for c in contributors if c.kind == Contributor.Kind.PERSON)
    cells["ip_items"] = _join_entries(
        f"{zh_name('ip_kind', i.kind)}：{i.title}：{i.application_number}：{i.publication_number}"
        for i in a.ip_items.all()
    )
    cells["source"] = a.source
    cells["registration_number"] = a.registration_number or ""
    cells["organisation"] = a.organisation.name
    cells["status"] = str(a.get_status_display())
    cells["discipline_category"] = a.discipline_category
    return cells


def header_row() -> list[str]:
    return [c.header for c in COLUMNS]


def template_rows() -> list[list[str]]:
    """The template has the importable columns only, and one example row (skipped on import)."""
    return [[c.header for c in IMPORT_COLUMNS], [c.example for c in IMPORT_COLUMNS]]


# The columns the XLSX export writes as numbers or dates, with their number format: a spreadsheet
# sums prices and sorts by TRL or research dates (the CSV spells them as text, as before). The
# import reads them back (`_cell_text`: 120.5 → "120.5", a date → "2021-03-01", which MonthField takes).
XLSX_FORMATS = {"price": "#,##0.00", "trl": "0", "research_start": "yyyy-mm", "research_end": "yyyy-mm"}


def achievement_values(a: Achievement) -> dict[str, Any]:
    """`achievement_cells`, with the columns of `XLSX_FORMATS` as numbers and dates (None when empty)."""
    values: dict[str, Any] = dict(achievement_cells(a))
    values.update({key: getattr(a, key) for key in XLSX_FORMATS})
    return values


def export_rows(achievements: Iterable[Achievement], *, typed: bool = False) -> Iterable[list[Any]]:
    """The header and a row per achievement: text cells, or with `typed` numbers and dates where
    `XLSX_FORMATS` says (for the XLSX file)."""
    yield header_row()
    for a in achievements:
        cells = achievement_values(a) if typed else achievement_cells(a)
        yield [cells.get(c.key, "") for c in COLUMNS]


def write_csv(rows: Iterable[Sequence[str]]) -> bytes:
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf)
    writer.writerows([_guard(str(v)) for v in row] for row in rows)
    return buf.getvalue().encode("utf-8")


WIDE = {"name": 36, "abstract": 60, "keywords": 30, "contributors_org": 30, "contributors_person": 30, "ip_items": 40}


def write_xlsx(rows: Iterable[Sequence[Any]], *, with_help: bool = False) -> bytes:
    """Text cells as text, so that codes, phone numbers and project numbers keep their exact spelling
    (and "=" is no formula); numbers (Decimal, int) and dates, which only `export_rows(typed=True)`
    gives, as numbers and dates in their column's `XLSX_FORMATS` format; None as an empty cell."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("成果 achievements")
    for index, column in enumerate(COLUMNS, start=1):  # the template's columns are the first ones of COLUMNS
        sheet.column_dimensions[_letter(index)].width = WIDE.get(column.key, 16)
    sheet.freeze_panes = "B2"
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, row in enumerate(rows):
        out = []
        for column, value in zip(COLUMNS, row, strict=False):
            if value is None or (isinstance(value, Decimal | int | datetime.date) and not isinstance(value, bool)):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = XLSX_FORMATS.get(column.key, "General")
                out.append(cell)
                continue
            cell = WriteOnlyCell(sheet, value=str(value))
            cell.data_type = "s"
            cell.number_format = "@"
            if number == 0:
                cell.font = bold
            elif "\n" in str(value):
                cell.alignment = wrap
            out.append(cell)
        sheet.append(out)
    if with_help:
        _help_sheets(workbook, bold)
    buf = io.BytesIO()
    workbook.save(buf)
    return buf.getvalue()


def _letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _help_sheets(workbook: Workbook, bold: Font) -> None:
    from techtransfer.achievements.choices import disciplines

    sheet = workbook.create_sheet("说明 help")
    for letter, width in zip("ABCDEFG", (18, 22, 8, 50, 50, 50, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    titles = ["列名 column", "键 key", "必填 required", "说明", "Explanation", "可填的值", "Allowed values"]
    sheet.append([_text_cell(sheet, t, font=bold) for t in titles])
    with translation.override("en"):
        english = {c.key: str(c.help_en) for c in COLUMNS}
        allowed_en = {k: ", ".join(str(label) for label in cls.labels) for k, cls in CHOICE_CLASSES.items()}
    for c in COLUMNS:
        key = c.key
        allowed_zh = "、".join(ZH_NAMES[key].values()) if key in ZH_NAMES else ""
        if c.key == "discipline":
            allowed_zh = allowed_en_text = "见“学科”表 / see the disciplines sheet"
        else:
            allowed_en_text = allowed_en.get(key, "")
        required = "是 yes" if c.required else ""
        sheet.append(
            [
                _text_cell(sheet, v)
                for v in (c.header, c.key, required, c.help_zh, english[c.key], allowed_zh, allowed_en_text)
            ]
        )
    sheet.append([])
    notes = [
        "第1行为列名，第2行起每行一条成果；以“【示例】”开头的示例行在导入时跳过。",
        "Row 1 holds the headers; from row 2 on, one achievement per row. "
        "The example row (name starting with 【示例】) is skipped.",
        "知识产权类型：" + "、".join(ZH_NAMES["ip_kind"].values()),
    ]
    for note in notes:
        sheet.append([_text_cell(sheet, note)])
    disciplines_sheet = workbook.create_sheet("学科 disciplines")
    disciplines_sheet.append(
        [_text_cell(disciplines_sheet, t, font=bold) for t in ("学科 discipline", "门类 category")]
    )
    for name, category in disciplines().items():
        disciplines_sheet.append([_text_cell(disciplines_sheet, name), _text_cell(disciplines_sheet, category)])


def _text_cell(sheet: Any, value: str, *, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def template_file(fmt: FileFormat) -> bytes:
    return write_xlsx(template_rows(), with_help=True) if fmt == "xlsx" else write_csv(template_rows())


def export_file(achievements: Iterable[Achievement], fmt: FileFormat) -> bytes:
    return write_xlsx(export_rows(achievements, typed=True)) if fmt == "xlsx" else write_csv(export_rows(achievements))


# --- what an export contains ---------------------------------------------------------------------------

EXPORT_FILTERS = tuple(AchievementFilterSet.base_filters)


def export_filter_errors(filters: Mapping[str, str]) -> dict[str, list[str]]:
    """What the list's FilterSet says of `filters` (but `organisation`, which `export_queryset` judges
    by permission): filter name → messages; empty when every value is taken."""
    fs = AchievementFilterSet(
        {k: v for k, v in filters.items() if k != "organisation"}, queryset=Achievement.objects.none()
    )
    if fs.is_valid():
        return {}
    return {name: [str(m) for m in errors] for name, errors in fs.errors.items()}


def export_queryset(user: User, filters: Mapping[str, str]) -> QuerySet[Achievement]:
    """The records `user` may export, filtered by the public list's FilterSet (the same parameters as
    the list page and the API): published public records, and for a government account also those of
    its jurisdiction (`access.government_q`, as its review pages show them). With `organisation`:
    all of that organisation's records for its members, the records of it the user may see for a
    government account whose jurisdiction holds it (`access.may_export_organisation`), else none."""
    org = str(filters.get("organisation") or "")
    visible = PUBLIC_Q | government_q(user)
    if org:
        org_id = parse_id(org)
        if org_id is None or not may_export_organisation(user, org_id):
            return Achievement.objects.none()
        if user.is_platform_admin:
            qs = Achievement.objects.filter(organisation_id=org_id)
        elif is_member(user, org_id):  # drafts made from a disclosure only for its audience
            qs = Achievement.objects.filter(member_q(user, [org_id]))
        else:
            qs = Achievement.objects.filter(visible, organisation_id=org_id)
    else:
        qs = Achievement.objects.filter(visible)
    fs = AchievementFilterSet({k: v for k, v in filters.items() if k != "organisation"}, queryset=qs)
    qs = fs.qs if fs.is_valid() else qs.none()
    return qs.select_related("organisation").prefetch_related("contributors", "ip_items").order_by("pk")
