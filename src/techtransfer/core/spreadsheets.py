"""Exports that a spreadsheet program opens: no text a user typed may run there as a formula.

A CSV cell starting with = + - @ (or a tab or carriage return) is read as a formula by Excel and
LibreOffice (`=HYPERLINK("http://…","click")`, DDE payloads): such text gets a leading apostrophe, as
OWASP advises (`achievements.io` guards its CSV with it and undoes it on import). In an XLSX file only cells
stored as formulas run; openpyxl stores every text starting with "=" as one, so those are stored as
text again before the workbook is saved.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

from openpyxl.workbook.workbook import Workbook

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: Any) -> Any:
    """`value`, with an apostrophe before a text a spreadsheet would take for a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class FormulaSafeWriter:
    """`csv.writer` whose text cells never start a formula (`csv_text`)."""

    def __init__(self, f: IO[str], **kwargs: Any) -> None:
        self._writer = csv.writer(f, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_text(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def without_formulas(workbook: Workbook) -> Workbook:
    """`workbook` (not write-only) with every cell that openpyxl took for a formula stored as the text
    it was given. The platform's exports hold no formula of their own."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    return workbook
