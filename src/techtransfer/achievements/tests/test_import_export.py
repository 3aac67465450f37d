"""Bulk import and export of achievements: template, reports, modes, round trip, permissions, jobs, demo."""

import csv
import datetime
import io as stdio
import re
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from techtransfer.achievements import io, services
from techtransfer.achievements.access import public_achievements
from techtransfer.achievements.choices import AchievementStatus, SecrecyLevel
from techtransfer.achievements.demo import load_demo_achievements, name_from_abstract
from techtransfer.achievements.jobs import start_export
from techtransfer.achievements.models import Achievement
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.audit.models import AuditEvent
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.languages import render
from techtransfer.core.tests.factories import OrganisationFactory
from techtransfer.jobs.models import Job, JobStatus
from techtransfer.jobs.runtime import JobContext

pytestmark = pytest.mark.django_db

TEMPLATE_HEADERS = [
    "成果名称", "成果类型", "推荐单位", "研究起始时间", "研究终止时间", "密级", "创新属性", "关键词", "成果体现形式",
    "成果水平", "技术成熟度", "成果所处阶段", "学科", "所属产业", "战略性新兴产业", "国民经济行业代码", "经费来源",
    "计划名称", "项目编号", "拟转化方式", "价格（万元）", "价格面议", "成果简介", "联系人", "联系电话", "联系邮箱",
    "完成单位", "完成人", "知识产权", "来源",
]  # fmt: skip
EXPORT_ONLY = ["登记号", "所属单位", "状态", "学科门类"]

BAD_HEADER = ["成果名称", "关键词", "成果简介", "学科", "密级", "研究起始时间"]
BAD_ROWS = [
    ["好成果一", "稀土；永磁", "简介一", "材料科学与工程", "公开", "2021-03"],
    ["学科不对", "稀土", "简介", "外星学", "", ""],
    ["关键词太多", "一；二；三；四；五；六；七；八；九", "简介", "", "", ""],
    ["涉密成果", "稀土", "简介", "", "机密", ""],
    ["月份不对", "稀土", "简介", "", "", "2024-13"],
    ["", "稀土", "简介", "", "", ""],
    ["好成果二", "电池", "简介二", "", "内部", "2020-1"],
]
BAD_REPORT = [
    (3, "学科", "Discipline: “外星学” is not one of the choices."),
    (4, "关键词", "At most 8 keywords, got 9."),
    (5, "密级", "Classified results cannot be registered on this platform. Register them through the secrecy channel."),
    (6, "研究起始时间", "Enter a year and month, for example 2024-06."),
    (7, "成果名称", "This field is required."),
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def csv_bytes(header, rows, encoding="utf-8-sig"):
    buf = stdio.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def xlsx_bytes(header, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = stdio.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def report(outcome):
    return [(p.row, p.field, p.message) for p in outcome.problems]


def en_client(user):
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


# --- template ----------------------------------------------------------------------------------------


def test_csv_template_has_the_headers_and_an_example_row(applicant_member):
    response = en_client(applicant_member).get("/achievements/import/template.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(stdio.StringIO(text[1:])))
    assert rows[0] == TEMPLATE_HEADERS
    assert len(rows) == 2 and rows[1][0].startswith(io.EXAMPLE_MARK)


def test_xlsx_template_has_headers_example_and_explanations(applicant_member, english):
    response = en_client(applicant_member).get("/achievements/import/template.xlsx")
    assert response.status_code == 200
    wb = openpyxl.load_workbook(stdio.BytesIO(response.content))
    assert wb.sheetnames == ["成果 achievements", "说明 help", "学科 disciplines"]
    data = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    assert data[0] == TEMPLATE_HEADERS and len(data) == 2
    help_rows = [list(r) for r in wb.worksheets[1].iter_rows(values_only=True)]
    assert help_rows[0] == [
        "列名 column",
        "键 key",
        "必填 required",
        "说明",
        "Explanation",
        "可填的值",
        "Allowed values",
    ]
    by_header = {r[0]: r for r in help_rows[1 : len(io.COLUMNS) + 1]}
    assert list(by_header) == TEMPLATE_HEADERS + EXPORT_ONLY
    assert by_header["密级"][1:] == [
        "secrecy", None, "公开或内部；涉密成果不能在本平台登记。",
        "Public or internal; classified results cannot be registered here.", "公开、内部", "Public, Internal only",
    ]  # fmt: skip
    assert by_header["成果名称"][2] == "是 yes"
    assert wb.worksheets[2].max_row == 68  # header + 67 disciplines


def test_the_template_imports_as_nothing_but_a_skipped_example(applicant_org, applicant_member, english):
    for fmt in ("csv", "xlsx"):
        outcome = io.import_file(
            actor=applicant_member, organisation_id=applicant_org.pk, content=io.template_file(fmt), fmt=fmt,
            mode=io.ImportMode.ALL_OR_NOTHING,
        )  # fmt: skip
        assert report(outcome) == [(2, "成果名称", "Example row of the template, skipped.")]
        assert outcome.result() == {"created": 0, "errors": 0, "rows": 1, "rejected_rows": 0}
    assert not Achievement.objects.exists()


def test_the_example_row_itself_is_valid(applicant_org, applicant_member, english):
    header, example = io.template_rows()
    example[0] = example[0].removeprefix(io.EXAMPLE_MARK)
    outcome = io.import_file(
        actor=applicant_member, organisation_id=applicant_org.pk, content=csv_bytes(header, [example]), fmt="csv",
        mode=io.ImportMode.ALL_OR_NOTHING,
    )  # fmt: skip
    assert report(outcome) == []
    a = Achievement.objects.get()
    assert (a.name, a.trl, a.stage, a.price, a.price_negotiable) == (
        "一种稀土永磁材料晶界扩散制备方法",
        6,
        "middle",
        120,
        False,
    )
    assert [(c.kind, c.name, c.affiliation, c.contribution) for c in a.contributors.all()] == [
        ("organisation", "江西示范新材料研究院", "", "材料制备与中试"),
        ("person", "张三", "江西示范新材料研究院", "总体设计"),
        ("person", "李四", "", "工艺验证"),
    ]


# --- bad rows ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_all_or_nothing_reports_every_bad_row_and_saves_nothing(fmt, applicant_org, applicant_member, english):
    content = csv_bytes(BAD_HEADER, BAD_ROWS) if fmt == "csv" else xlsx_bytes(BAD_HEADER, BAD_ROWS)
    outcome = io.import_file(
        actor=applicant_member, organisation_id=applicant_org.pk, content=content, fmt=fmt,
        mode=io.ImportMode.ALL_OR_NOTHING,
    )  # fmt: skip
    assert report(outcome) == BAD_REPORT
    assert outcome.result() == {"created": 0, "errors": 5, "rows": 7, "rejected_rows": 5}
    assert not Achievement.objects.exists()
    assert not AuditEvent.objects.filter(action="achievement.create").exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_accept_valid_saves_exactly_the_good_rows(fmt, applicant_org, applicant_member, english):
    content = csv_bytes(BAD_HEADER, BAD_ROWS) if fmt == "csv" else xlsx_bytes(BAD_HEADER, BAD_ROWS)
    outcome = io.import_file(
        actor=applicant_member, organisation_id=applicant_org.pk, content=content, fmt=fmt,
        mode=io.ImportMode.ACCEPT_VALID,
    )  # fmt: skip
    assert report(outcome) == BAD_REPORT
    assert outcome.result() == {"created": 2, "errors": 5, "rows": 7, "rejected_rows": 5}
    saved = Achievement.objects.order_by("pk")
    assert [(a.name, a.keywords, a.secrecy, a.research_start, a.status, a.organisation_id) for a in saved] == [
        ("好成果一", ["稀土", "永磁"], "public", datetime.date(2021, 3, 1), "draft", applicant_org.pk),
        ("好成果二", ["电池"], "internal", datetime.date(2020, 1, 1), "draft", applicant_org.pk),
    ]
    assert [a.pk for a in saved] == outcome.created
    assert AuditEvent.objects.filter(action="achievement.create").count() == 2


def test_contributor_ip_and_choice_problems_are_reported_per_column(applicant_org, applicant_member, english):
    header = [
        "成果名称",
        "关键词",
        "成果简介",
        "成果类型",
        "拟转化方式",
        "价格面议",
        "完成人",
        "知识产权",
        "价格（万元）",
    ]
    rows = [["甲", "稀土", "简介", "应用", "许可；赠送", "也许", "（南昌大学）：设计", "专利：一种方法", "-5"]]
    outcome = io.import_file(
        actor=applicant_member, organisation_id=applicant_org.pk, content=csv_bytes(header, rows), fmt="csv",
        mode=io.ImportMode.ACCEPT_VALID,
    )  # fmt: skip
    assert report(outcome) == [
        (2, "成果类型", "Achievement type: “应用” is not one of the choices."),
        (2, "拟转化方式", "Intended transfer modes: “赠送” is not one of the choices."),
        (2, "价格（万元）", "Price (10,000 yuan): give 0 or more, not “-5”."),
        (2, "价格面议", "Write 是 (yes) or 否 (no)."),
        (2, "完成人", "Entry 1: the name is missing."),
        (2, "知识产权", "Entry 1: write type：title：application number：publication number (parts may be empty)."),
    ]
    assert not Achievement.objects.exists()


def test_a_bad_discipline_and_trl_are_reported_naming_the_value(applicant_org, applicant_member, english):
    header = ["成果名称", "关键词", "成果简介", "学科", "技术成熟度"]
    rows = [["甲", "稀土", "简介", "外星学", "12"], ["乙", "稀土", "简介", "", "三"]]
    outcome = io.import_file(
        actor=applicant_member, organisation_id=applicant_org.pk, content=csv_bytes(header, rows), fmt="csv",
        mode=io.ImportMode.ACCEPT_VALID,
    )  # fmt: skip
    expected = [
        (2, "技术成熟度", "Technology readiness level (TRL): give 9 or less, not “12”."),
        (2, "学科", "Discipline: “外星学” is not one of the choices."),
        (3, "技术成熟度", "Technology readiness level (TRL): “三” is not a whole number."),
    ]
    assert report(outcome) == expected
    lines = list(csv.reader(stdio.StringIO(io.report_csv(outcome.problems).decode("utf-8-sig"))))
    assert lines[1:] == [[str(row), column, message] for row, column, message in expected]
    assert not Achievement.objects.exists()


def test_a_bad_discipline_is_reported_in_chinese(applicant_org, applicant_member):
    header = ["成果名称", "关键词", "成果简介", "学科"]
    with translation.override("zh-hans"):
        outcome = io.import_file(
            actor=applicant_member, organisation_id=applicant_org.pk, fmt="csv", mode=io.ImportMode.ACCEPT_VALID,
            content=csv_bytes(header, [["甲", "稀土", "简介", "外星学"]]),
        )  # fmt: skip
    assert report(outcome) == [(2, "学科", "学科：“外星学”不是可选的值。")]


def test_problems_with_the_whole_file_import_nothing(applicant_org, applicant_member, english, monkeypatch):
    def run(content):
        return report(
            io.import_file(
                actor=applicant_member, organisation_id=applicant_org.pk, content=content, fmt="csv",
                mode=io.ImportMode.ACCEPT_VALID,
            )
        )  # fmt: skip

    assert run(csv_bytes(["成果名称", "关键词", "备注"], [["甲", "稀土", "x"]])) == [
        (1, "备注", "Unknown column. Use the headers of the template."),
        (1, "成果简介", "This column is required."),
    ]
    assert run(csv_bytes(["成果名称", "关键词", "成果名称", "成果简介"], [])) == [
        (1, "成果名称", "This column appears twice.")
    ]
    assert run(b"\xff\xfe\x00\x00garbage") == [(0, "", "The file is neither UTF-8 nor GB18030 text.")]
    monkeypatch.setattr(io, "MAX_ROWS", 2)
    three = csv_bytes(["成果名称", "关键词", "成果简介"], [["甲", "稀土", "简介"]] * 3)
    assert run(three) == [(0, "", "The file has more than 2 rows. Split it into smaller files.")]
    assert not Achievement.objects.exists()


def test_a_cell_without_header_is_reported_not_dropped(applicant_org, applicant_member, english):
    content = csv_bytes(["成果名称", "关键词", "成果简介"], [["甲", "稀土", "简介", "多出来的"]])
    outcome = io.import_file(
        actor=applicant_member, organisation_id=applicant_org.pk, content=content, fmt="csv",
        mode=io.ImportMode.ALL_OR_NOTHING,
    )  # fmt: skip
    assert report(outcome) == [(2, "#4", "This cell has no column header; it was not imported.")]
    assert not Achievement.objects.exists()


def test_gb18030_csv_keys_and_english_labels_are_understood(applicant_org, applicant_member, english):
    header = ["name", "keywords", "abstract", "kind", "stage", "trl", "transfer_modes"]
    rows = [["乙", "电池|储能", "简介", "Basic theory", "", "2", "licence；合作开发"]]
    outcome = io.import_file(
        actor=applicant_member, organisation_id=applicant_org.pk, content=csv_bytes(header, rows, "gb18030"),
        fmt="csv", mode=io.ImportMode.ALL_OR_NOTHING,
    )  # fmt: skip
    assert report(outcome) == []
    a = Achievement.objects.get()
    assert (a.name, a.keywords, a.kind, a.stage, a.trl, a.transfer_modes) == (
        "乙", ["电池", "储能"], "basic", "early", 2, ["licence", "joint_development"],
    )  # fmt: skip


def test_files_are_recognised_by_content(english):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 300
    for name, content in (("a.csv", png), ("a.xlsx", csv_bytes(["成果名称"], [])), ("a.pdf", b"%PDF-1.7\n")):
        with pytest.raises(DomainError) as exc:
            io.check_import_file(stdio.BytesIO(content), name=name, size=len(content))
        assert exc.value.code == "upload_type"
    xlsx = xlsx_bytes(["成果名称"], [])
    assert io.check_import_file(stdio.BytesIO(xlsx), name="a.xlsx", size=len(xlsx)) == "xlsx"
    text = csv_bytes(["成果名称"], [], "gb18030")
    assert io.check_import_file(stdio.BytesIO(text), name="成果.CSV", size=len(text)) == "csv"


# --- round trip ----------------------------------------------------------------------------------------

FULL = {
    "kind": "basic", "name": "=一种检测方法", "recommending_unit": "南昌市科学技术局",
    "research_start": datetime.date(2021, 3, 1), "research_end": datetime.date(2023, 12, 1), "secrecy": "internal",
    "attribute": "absorbed", "keywords": ["稀土", "永磁", "C++"], "embodiment": "device",
    "evaluation_level": "intl_advanced", "stage": "mature", "trl": 8, "discipline": "材料科学与工程",
    "plan_industry": "new_materials", "emerging_industry": "3", "sector_code": "C3985", "funding_source": "provincial",
    "funding_programme": "重点研发计划", "funding_project_number": "2021-001", "transfer_modes": ["licence", "equity"],
    "price": Decimal("120.50"), "price_negotiable": False, "abstract": "第一行\n简介：包含冒号；分号",
    "contact_name": "王工", "contact_phone": "+86 791 8888 8888", "contact_email": "wang@example.org",
}  # fmt: skip
CONTRIBUTORS = [
    {"kind": "organisation", "name": "南昌县测试企业", "contribution": "中试：放大；验证"},
    {"kind": "person", "name": "张三", "affiliation": "南昌大学（前湖校区）", "contribution": "设计"},
    {"kind": "person", "name": "李四", "affiliation": "", "contribution": ""},
]
IP_ITEMS = [
    {"kind": "invention_patent", "title": "一种方法：改进型", "application_number": "CN202110000000.1",
     "publication_number": "CN113000000A"},
    {"kind": "software_copyright", "title": "", "application_number": "", "publication_number": "2023SR0000001"},
]  # fmt: skip
COMPARED = [*services.DATA_FIELDS, "discipline_category", "source"]


def snapshot(a):
    return (
        {f: getattr(a, f) for f in COMPARED},
        [
            (c.kind, c.position, c.name, c.affiliation, c.contribution)
            for c in a.contributors.order_by("kind", "position")
        ],
        [(i.kind, i.title, i.application_number, i.publication_number) for i in a.ip_items.order_by("pk")],
    )


def make_originals(org, user):
    full = services.create_achievement(
        actor=user, organisation_id=org.pk, data=FULL, contributors=CONTRIBUTORS, ip_items=IP_ITEMS, source="测试来源"
    )
    minimal = services.create_achievement(
        actor=user, organisation_id=org.pk, data={"name": "最简成果", "keywords": ["电池"], "abstract": "简介"}
    )
    return [full, minimal]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_gives_the_same_records(fmt, applicant_org, applicant_member, other_org, outsider, english):
    originals = make_originals(applicant_org, applicant_member)
    content = io.export_file(io.export_queryset(applicant_member, {"organisation": str(applicant_org.pk)}), fmt)
    outcome = io.import_file(
        actor=outsider, organisation_id=other_org.pk, content=content, fmt=fmt, mode=io.ImportMode.ALL_OR_NOTHING
    )
    assert report(outcome) == [(1, h, "Export-only column, ignored on import.") for h in EXPORT_ONLY]
    copies = list(Achievement.objects.filter(organisation=other_org).order_by("pk"))
    assert [snapshot(c) for c in copies] == [snapshot(o) for o in originals]
    assert snapshot(copies[0])[0]["name"] == "=一种检测方法"  # the CSV formula guard is undone on import


def test_the_xlsx_export_writes_numbers_and_dates_as_such(applicant_org, applicant_member):
    """Price and TRL were text cells ("120.50", "8"), research dates "2021-03": a spreadsheet could not
    sum or sort them. Codes and phone numbers stay text; the CSV spells everything as before."""
    make_originals(applicant_org, applicant_member)
    records = io.export_queryset(applicant_member, {"organisation": str(applicant_org.pk)})
    wb = openpyxl.load_workbook(stdio.BytesIO(io.export_file(records, "xlsx")))
    sheet = wb.worksheets[0]
    column = {cell.value: cell.column for cell in sheet[1]}

    def cell(row: int, header: str):  # type: ignore[no-untyped-def]
        c = sheet.cell(row=row, column=column[header])
        return (c.value, c.data_type, c.number_format)

    assert cell(2, "价格（万元）") == (120.5, "n", "#,##0.00")
    assert cell(2, "技术成熟度") == (8, "n", "0")
    assert cell(2, "研究起始时间") == (datetime.datetime(2021, 3, 1), "d", "yyyy-mm")
    assert cell(2, "研究终止时间") == (datetime.datetime(2023, 12, 1), "d", "yyyy-mm")
    assert cell(2, "国民经济行业代码") == ("C3985", "s", "@")
    assert cell(2, "项目编号") == ("2021-001", "s", "@")
    assert cell(2, "联系电话") == ("+86 791 8888 8888", "s", "@")
    assert cell(2, "价格面议") == ("否", "s", "@")
    # The minimal record: no price, no research dates (empty cells), the default TRL.
    assert [cell(3, h)[0] for h in ("价格（万元）", "技术成熟度", "研究起始时间", "研究终止时间")] == [
        None,
        3,
        None,
        None,
    ]
    rows = list(csv.reader(stdio.StringIO(io.export_file(records, "csv").decode("utf-8-sig"))))
    by_header = dict(zip(rows[0], rows[1], strict=True))
    assert [by_header[h] for h in ("价格（万元）", "技术成熟度", "研究起始时间", "研究终止时间")] == [
        "120.50", "8", "2021-03", "2023-12",
    ]  # fmt: skip


def test_csv_export_guards_against_formulas(applicant_org, applicant_member):
    make_originals(applicant_org, applicant_member)
    content = io.export_file(io.export_queryset(applicant_member, {"organisation": str(applicant_org.pk)}), "csv")
    rows = list(csv.reader(stdio.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == TEMPLATE_HEADERS + EXPORT_ONLY
    assert (rows[1][0], rows[1][24]) == ("'=一种检测方法", "'+86 791 8888 8888")
    assert rows[1][27] == "张三（南昌大学（前湖校区））：设计\n李四"
    assert rows[1][28] == "发明专利：一种方法：改进型：CN202110000000.1：CN113000000A\n软件著作权：：：2023SR0000001"


def test_the_export_job_writes_the_public_list_with_filters(
    applicant_org, applicant_member, outsider, django_capture_on_commit_callbacks
):
    published = make_originals(applicant_org, applicant_member)
    Achievement.objects.filter(pk=published[0].pk).update(status="published", secrecy="public")
    Achievement.objects.filter(pk=published[1].pk).update(status="published", discipline="数学")
    c = en_client(outsider)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post("/achievements/export/?format=xlsx&discipline=材料科学与工程")
    job = Job.objects.get(kind="achievements.export")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert (job.status, job.result, job.params["discipline"]) == (JobStatus.SUCCEEDED, {"rows": 1}, "材料科学与工程")
    download = c.get(f"/jobs/{job.pk}/download/")
    wb = openpyxl.load_workbook(stdio.BytesIO(b"".join(download.streaming_content)))
    names = [r[0] for r in wb.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert names == ["=一种检测方法"]


def test_only_members_export_an_organisations_drafts(applicant_org, applicant_member, outsider):
    make_originals(applicant_org, applicant_member)
    assert io.export_queryset(outsider, {"organisation": str(applicant_org.pk)}).count() == 0
    response = en_client(outsider).post(f"/achievements/export/?organisation={applicant_org.pk}")
    assert (response.status_code, response["Location"]) == (302, f"/achievements/?organisation={applicant_org.pk}")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [EXPORT_REFUSED]
    assert not Job.objects.exists()


EXPORT_REFUSED = (
    "You may export an organisation's records only as its member, or as a government department whose "
    "jurisdiction includes it."
)


@pytest.fixture
def jurisdiction_records(applicant_org, applicant_admin):  # type: ignore[no-untyped-def]
    """In 南昌县 (the applicant's): a draft, a submitted internal record, a published public one; in 赣州
    a submitted record."""
    ganzhou_org = OrganisationFactory(name="赣州测试企业", region_id="360702")
    make = AchievementFactory
    return {
        "draft": make(organisation=applicant_org, created_by=applicant_admin, name="草稿成果"),
        "submitted": make(
            organisation=applicant_org, created_by=applicant_admin, name="待审成果",
            status=AchievementStatus.SUBMITTED, secrecy=SecrecyLevel.INTERNAL,
        ),
        "published": make(
            organisation=applicant_org, created_by=applicant_admin, name="公开成果", status=AchievementStatus.PUBLISHED
        ),
        "ganzhou": make(organisation=ganzhou_org, name="赣州成果", status=AchievementStatus.SUBMITTED),
    }  # fmt: skip


def _exported_names(client, job: Job) -> list[str]:  # type: ignore[no-untyped-def]
    content = b"".join(client.get(f"/jobs/{job.pk}/download/").streaming_content).decode("utf-8-sig")
    return [row[0] for row in list(csv.reader(stdio.StringIO(content)))[1:]]


def test_a_government_account_exports_what_it_sees_in_its_jurisdiction(
    jurisdiction_records, applicant_org, city_reviewer, django_capture_on_commit_callbacks
):
    """As the city reviewer, `organisation=` of an enterprise in the city answered a bare 404 and
    `status=submitted` exported 0 records."""
    c = en_client(city_reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(f"/achievements/export/?format=csv&organisation={applicant_org.pk}")
    job = Job.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/jobs/{job.pk}/")
    assert (job.status, job.result) == (JobStatus.SUCCEEDED, {"rows": 2})
    assert _exported_names(c, job) == ["待审成果", "公开成果"]  # never the draft
    with django_capture_on_commit_callbacks(execute=True):
        c.post("/achievements/export/?format=csv&status=submitted")
    job = Job.objects.latest("pk")
    assert (job.status, job.result) == (JobStatus.SUCCEEDED, {"rows": 1})
    assert _exported_names(c, job) == ["待审成果"]  # not 赣州's, outside the city


def test_a_government_account_is_told_why_it_cannot_export_outside_its_jurisdiction(
    jurisdiction_records, ganzhou_reviewer
):
    ganzhou_org = jurisdiction_records["ganzhou"].organisation
    assert io.export_queryset(ganzhou_reviewer, {"organisation": str(ganzhou_org.pk)}).count() == 1
    applicant_org = jurisdiction_records["draft"].organisation
    assert io.export_queryset(ganzhou_reviewer, {"organisation": str(applicant_org.pk)}).count() == 0
    response = en_client(ganzhou_reviewer).post(f"/achievements/export/?format=csv&organisation={applicant_org.pk}")
    assert (response.status_code, response["Location"]) == (
        302, f"/achievements/?format=csv&organisation={applicant_org.pk}"
    )  # fmt: skip
    assert [str(m) for m in get_messages(response.wsgi_request)] == [EXPORT_REFUSED]
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("status=bogus", ["Status: “bogus” is not one of the choices."]),
        (
            "status=submitted&kind=rocket&stage=x",
            ["Type: “rocket” is not one of the choices.", "Stage: “x” is not one of the choices."],
        ),
        ("transfer_mode=gift", ["Transfer mode: “gift” is not one of the choices."]),
        ("sort=cheapest", ["Sort by: “cheapest” is not one of the choices."]),
        ("year=1800", ["Year published: give 1949 or more, not “1800”."]),
    ],
)
def test_an_export_with_an_unknown_filter_value_is_refused_and_starts_no_job(
    jurisdiction_records, city_reviewer, query, said
):
    """`status=bogus` started a job that wrote an empty file; refused as an organisation is."""
    response = en_client(city_reviewer).post(f"/achievements/export/?format=csv&{query}")
    assert (response.status_code, response["Location"]) == (302, f"/achievements/?format=csv&{query}")
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Some fields are not valid.", *said]
    assert not Job.objects.exists()


def test_an_unknown_status_is_refused_in_chinese_too(jurisdiction_records, city_reviewer):
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(city_reviewer)
    response = c.post("/achievements/export/?format=csv&status=bogus")
    said = [str(m) for m in get_messages(response.wsgi_request)]
    # Named by the filter's Chinese label and the value sent, not Django's "选择一个有效的选项。 bogus 不在可用的选项中。"
    assert said[0] == "部分字段填写有误。" and len(said) == 2
    assert said[1].startswith("状态") and "“bogus”" in said[1] and "选择一个有效的选项" not in said[1]
    assert not Job.objects.exists()


def test_start_export_refuses_unknown_filter_values_under_their_names(city_reviewer):
    with translation.override("en"), pytest.raises(DomainError) as exc:
        start_export(actor=city_reviewer, fmt="csv", filters={"status": "bogus", "year": "1800"}, language="en")
    assert exc.value.code == "validation_error"
    assert exc.value.details == {
        "fields": {
            "status": ["Status: “bogus” is not one of the choices."],
            "year": ["Year published: give 1949 or more, not “1800”."],
        }
    }
    assert not Job.objects.exists()


# --- pages and jobs ---------------------------------------------------------------------------------------


def test_a_non_member_cannot_import_into_an_organisation(applicant_org, outsider, settings):
    c = en_client(outsider)
    assert c.get(f"/achievements/import/?organisation={applicant_org.pk}").status_code == 404
    upload = SimpleUploadedFile("a.csv", csv_bytes(BAD_HEADER, BAD_ROWS), content_type="text/csv")
    response = c.post(
        "/achievements/import/", {"organisation": applicant_org.pk, "mode": "accept_valid", "file": upload}
    )
    assert response.status_code == 404
    assert not Job.objects.exists() and not Achievement.objects.exists()
    assert not (settings.MEDIA_ROOT / "imports").exists()


def test_the_import_page_offers_only_my_organisations(
    applicant_org, applicant_member, other_org, django_assert_max_num_queries
):
    c = en_client(applicant_member)
    with django_assert_max_num_queries(8):
        response = c.get("/achievements/import/")
    assert response.status_code == 200
    assert list(response.context["form"].fields["organisation"].queryset) == [applicant_org]


def test_a_wrong_file_type_is_refused_in_the_form(applicant_org, applicant_member):
    upload = SimpleUploadedFile("a.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 300, content_type="text/csv")
    response = en_client(applicant_member).post(
        "/achievements/import/", {"organisation": applicant_org.pk, "mode": "accept_valid", "file": upload}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["This file type is not accepted."]}
    assert not Job.objects.exists()


def test_the_import_job_shows_progress_and_its_report(
    applicant_org, applicant_member, settings, monkeypatch, django_capture_on_commit_callbacks
):
    seen = []
    original = JobContext.progress

    def spy(self, done, total, message="", *, force=False):
        seen.append((done, total))
        original(self, done, total, message, force=force)

    monkeypatch.setattr(JobContext, "progress", spy)
    c = en_client(applicant_member)
    content = xlsx_bytes(BAD_HEADER, BAD_ROWS)  # once: a workbook written twice may differ by its time stamps
    upload = SimpleUploadedFile("成果.xlsx", content)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(
            "/achievements/import/", {"organisation": applicant_org.pk, "mode": "accept_valid", "file": upload}
        )
    job = Job.objects.get(kind="achievements.import")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert (job.status, job.percentage) == (JobStatus.SUCCEEDED, 100)
    assert job.result == {"created": 2, "errors": 5, "rows": 7, "rejected_rows": 5}
    assert job.organisation_id == applicant_org.pk and job.params["name"] == "成果.xlsx"
    # The mode as the form named it (the log said "mode accept_valid").
    assert f"成果.xlsx: {len(content):,} bytes, mode Import the valid rows and report the others" in job.log
    assert seen[0] == (7, 14) and seen[-1] == (7, 7) and len(seen) >= 3  # checked, saved, summary
    page = c.get(f"/jobs/{job.pk}/")
    assert (
        "Rows: 7 · created: 2 · problems: 5" in page.content.decode() and 'id="job-download"' in page.content.decode()
    )
    content = b"".join(c.get(f"/jobs/{job.pk}/download/").streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(stdio.StringIO(content)))
    assert lines == [["row", "field", "message"], *[[str(r), f, m] for r, f, m in BAD_REPORT]]
    assert list((settings.MEDIA_ROOT / "imports").iterdir()) == []  # the upload is removed after the job
    assert Achievement.objects.filter(organisation=applicant_org).count() == 2


def run_import_job(c, org, name, content, mode="accept_valid"):
    upload = SimpleUploadedFile(name, content)
    response = c.post("/achievements/import/", {"organisation": org.pk, "mode": mode, "file": upload})
    assert response.status_code == 302
    return Job.objects.get(kind="achievements.import")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "坏.xlsx",
            xlsx_bytes(BAD_HEADER, BAD_ROWS)[:2000],
            "Nothing was imported: The file cannot be read as a spreadsheet: it is damaged, or it is not a real "
            "XLSX file.",
        ),
        (
            "列.csv",
            csv_bytes(["成果名称", "关键词", "备注"], [["甲", "稀土", "x"]]),
            "Nothing was imported: 备注: Unknown column. Use the headers of the template.; 成果简介: This column is "
            "required.",
        ),
    ],
)
def test_a_refused_file_fails_the_job_with_the_reason(
    name, content, message, applicant_org, applicant_member, django_capture_on_commit_callbacks
):
    c = en_client(applicant_member)
    with django_capture_on_commit_callbacks(execute=True):
        job = run_import_job(c, applicant_org, name, content)
    job.refresh_from_db()
    # Stored in the owner's language (the platform's: none chosen), shown in the reader's; the reasons
    # are the report's, in the language the file was sent in.
    assert (job.status, job.message) == (JobStatus.FAILED, f"未导入任何内容：{message.split(': ', 1)[1]}"[:200])
    with translation.override("en"):
        assert job.shown_message == message[:200]
    assert job.result == {"created": 0, "errors": len(message.split("; ")), "rows": 0, "rejected_rows": 0}
    page = c.get(f"/jobs/{job.pk}/").content.decode()
    assert 'id="job-status">Failed<' in page and message[:60] in page and 'id="job-download"' in page
    listing = c.get("/jobs/").content.decode()
    assert f'<div class="small text-muted text-break job-file">{name}</div>' in listing
    assert "created: 0 · problems:" in listing
    assert not Achievement.objects.exists()


def test_an_all_or_nothing_import_with_bad_rows_fails_the_job_saying_nothing_was_imported(
    applicant_org, applicant_member, django_capture_on_commit_callbacks
):
    """It ended green, "Succeeded · created: 0", though the mode had saved nothing."""
    c = en_client(applicant_member)
    with django_capture_on_commit_callbacks(execute=True):
        job = run_import_job(c, applicant_org, "成果.xlsx", xlsx_bytes(BAD_HEADER, BAD_ROWS), mode="all_or_nothing")
    job.refresh_from_db()
    message = (
        "Nothing was imported: 5 of 7 rows have errors and the import was all or nothing. "
        "Correct the rows the report lists, then import the file again."
    )
    with translation.override("en"):
        assert (job.status, job.shown_message) == (JobStatus.FAILED, message)
    assert job.result == {"created": 0, "errors": 5, "rows": 7, "rejected_rows": 5}
    page = c.get(f"/jobs/{job.pk}/").content.decode()
    assert 'id="job-status">Failed<' in page and message in page and 'id="job-download"' in page
    content = b"".join(c.get(f"/jobs/{job.pk}/download/").streaming_content).decode("utf-8-sig")
    assert list(csv.reader(stdio.StringIO(content)))[1:] == [[str(r), f, m] for r, f, m in BAD_REPORT]
    assert not Achievement.objects.exists()


def test_an_all_or_nothing_import_without_bad_rows_succeeds(
    applicant_org, applicant_member, django_capture_on_commit_callbacks
):
    c = en_client(applicant_member)
    good_rows = [BAD_ROWS[0], BAD_ROWS[-1]]
    with django_capture_on_commit_callbacks(execute=True):
        job = run_import_job(c, applicant_org, "成果.xlsx", xlsx_bytes(BAD_HEADER, good_rows), mode="all_or_nothing")
    job.refresh_from_db()
    with translation.override("en"):
        assert (job.status, job.shown_message) == (JobStatus.SUCCEEDED, "Rows: 2 · created: 2 · problems: 0")
    assert sorted(Achievement.objects.values_list("name", flat=True)) == ["好成果一", "好成果二"]


def test_the_job_list_shows_an_imports_file_and_counts(
    applicant_org, applicant_member, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    c = en_client(applicant_member)
    with django_capture_on_commit_callbacks(execute=True):
        run_import_job(c, applicant_org, "成果.xlsx", xlsx_bytes(BAD_HEADER, BAD_ROWS))
    with django_assert_max_num_queries(6):
        listing = c.get("/jobs/").content.decode()
    assert '<div class="small text-muted text-break job-file">成果.xlsx</div>' in listing
    assert '<div class="small text-muted job-outcome">created: 2 · problems: 5</div>' in listing


def test_a_cancelled_import_reports_what_was_saved(applicant_org, applicant_member, english, monkeypatch):
    from techtransfer.jobs.runtime import JobCancelled

    monkeypatch.setattr(io, "BATCH", 1)
    calls = []

    def cancel_on_saving():
        calls.append(1)
        if len(calls) == 3:  # 1: after checking the rows, 2: before the first batch, 3: before the second
            raise JobCancelled()

    rows = [["甲", "稀土", "简介"], ["乙", "稀土", "简介"], ["丙", "稀土", "简介"]]
    outcome = io.import_file(
        actor=applicant_member, organisation_id=applicant_org.pk, content=csv_bytes(BAD_HEADER[:3], rows), fmt="csv",
        mode=io.ImportMode.ACCEPT_VALID, check_cancelled=cancel_on_saving,
    )  # fmt: skip
    assert outcome.cancelled
    assert report(outcome) == [(0, "", "Cancelled: nothing from row 3 on was imported.")]
    assert list(Achievement.objects.values_list("name", flat=True)) == ["甲"]


THREE_ROWS = [
    ["甲", "稀土", "简介"],
    ["乙", "稀土", "简介"],
    ["丙", "稀土", "简介"],
    ["丁", "稀土", "简介"],
    ["戊", "稀土", "简介"],
]


def test_all_or_nothing_saves_in_short_transactions_and_shows_them(
    applicant_org, applicant_member, english, monkeypatch
):
    """3,000 rows in one transaction held SQLite's write lock for over 30 s: each batch commits on its own."""
    from django.db import connection

    monkeypatch.setattr(io, "BATCH", 2)
    seen = []
    outside = len(connection.atomic_blocks)  # the test's own transaction

    def progress(done, total, message="", *, force=False):
        seen.append((done, total, render(message), force, len(connection.atomic_blocks) > outside))

    outcome = io.import_file(
        actor=applicant_member, organisation_id=applicant_org.pk, content=csv_bytes(BAD_HEADER[:3], THREE_ROWS),
        fmt="csv", mode=io.ImportMode.ALL_OR_NOTHING, progress=progress,
    )  # fmt: skip
    assert outcome.result() == {"created": 5, "errors": 0, "rows": 5, "rejected_rows": 0}
    assert [s for s in seen if s[3]] == [
        (5, 10, "Saving 0 of 5 valid rows", True, False),
        (7, 10, "Saving 2 of 5 valid rows", True, False),
        (9, 10, "Saving 4 of 5 valid rows", True, False),
        (10, 10, "Saved 5 of 5 valid rows", True, False),
    ]
    assert list(Achievement.objects.order_by("pk").values_list("name", flat=True)) == ["甲", "乙", "丙", "丁", "戊"]


def test_an_all_or_nothing_batch_also_ends_after_batch_seconds(applicant_org, applicant_member, english, monkeypatch):
    monkeypatch.setattr(io, "BATCH_SECONDS", 0)  # every row passes the deadline: one row a transaction
    seen = []

    def progress(done, total, message="", *, force=False):
        if force:
            seen.append(render(message))

    outcome = io.import_file(
        actor=applicant_member, organisation_id=applicant_org.pk, content=csv_bytes(BAD_HEADER[:3], THREE_ROWS),
        fmt="csv", mode=io.ImportMode.ALL_OR_NOTHING, progress=progress,
    )  # fmt: skip
    assert outcome.result() == {"created": 5, "errors": 0, "rows": 5, "rejected_rows": 0}
    assert seen == [
        "Saving 0 of 5 valid rows", "Saving 1 of 5 valid rows", "Saving 2 of 5 valid rows",
        "Saving 3 of 5 valid rows", "Saving 4 of 5 valid rows", "Saved 5 of 5 valid rows",
    ]  # fmt: skip


def test_all_or_nothing_removes_earlier_batches_when_a_later_one_fails(
    applicant_org, applicant_member, english, monkeypatch
):
    monkeypatch.setattr(io, "BATCH", 2)
    original = services.create_achievement

    def create(**kwargs):
        if kwargs["data"]["name"] == "丁":  # row 5, in the second batch
            raise DomainError(Errors.NOT_FOUND)
        return original(**kwargs)

    monkeypatch.setattr(services, "create_achievement", create)
    outcome = io.import_file(
        actor=applicant_member, organisation_id=applicant_org.pk, content=csv_bytes(BAD_HEADER[:3], THREE_ROWS),
        fmt="csv", mode=io.ImportMode.ALL_OR_NOTHING,
    )  # fmt: skip
    assert report(outcome) == [(5, "", "The object does not exist or you may not see it.")]
    assert outcome.result() == {"created": 0, "errors": 1, "rows": 5, "rejected_rows": 1}
    assert not Achievement.objects.exists()
    events = AuditEvent.objects.filter(action__startswith="achievement.").order_by("pk")
    # 甲 and 乙 (first batch) were saved, then removed; 丙 rolled back with its batch.
    assert [(e.action, e.object_repr, e.comment) for e in events] == [
        ("achievement.create", "甲", ""),
        ("achievement.create", "乙", ""),
        ("achievement.discard_import", "甲", "All-or-nothing import undone: Row 5 could not be saved."),
        ("achievement.discard_import", "乙", "All-or-nothing import undone: Row 5 could not be saved."),
    ]
    assert all(e.actor_id == applicant_member.pk and e.organisation_id == applicant_org.pk for e in events)


def test_a_cancelled_all_or_nothing_import_leaves_nothing(applicant_org, applicant_member, english, monkeypatch):
    from techtransfer.jobs.runtime import JobCancelled

    monkeypatch.setattr(io, "BATCH", 2)
    calls = []

    def cancel_on_saving():
        calls.append(1)
        if len(calls) == 4:  # 1: after checking, 2 and 3: before the first and second batch, 4: the third
            raise JobCancelled()

    outcome = io.import_file(
        actor=applicant_member, organisation_id=applicant_org.pk, content=csv_bytes(BAD_HEADER[:3], THREE_ROWS),
        fmt="csv", mode=io.ImportMode.ALL_OR_NOTHING, check_cancelled=cancel_on_saving,
    )  # fmt: skip
    assert outcome.cancelled
    assert report(outcome) == [(0, "", "Cancelled: nothing was imported.")]
    assert outcome.created == []
    assert not Achievement.objects.exists()
    assert AuditEvent.objects.filter(action="achievement.discard_import").count() == 4


def test_discarding_keeps_records_no_longer_drafts_of_the_importer(applicant_org, applicant_member, applicant_admin):
    mine = AchievementFactory(organisation=applicant_org, created_by=applicant_member)
    submitted = AchievementFactory(
        organisation=applicant_org, created_by=applicant_member, status=AchievementStatus.PENDING_CONFIRMATION
    )
    theirs = AchievementFactory(organisation=applicant_org, created_by=applicant_admin)
    removed = services.discard_imported_drafts(
        actor=applicant_member, achievement_ids=[mine.pk, submitted.pk, theirs.pk], comment="x"
    )
    assert removed == 1
    assert set(Achievement.objects.values_list("pk", flat=True)) == {submitted.pk, theirs.pk}
    assert list(AuditEvent.objects.filter(action="achievement.discard_import").values_list("object_id", flat=True)) == [
        str(mine.pk)
    ]


# --- demo ----------------------------------------------------------------------------------------------


def test_demo_names_come_from_the_first_sentence():
    assert name_from_abstract("本文研究了贵州东南部的地质构造特征.认为区内北部") == "研究了贵州东南部的地质构造特征"
    assert name_from_abstract("患者男,70岁.因四肢屈侧斑块半年余,于2005年4月就诊.") == (
        "患者男,70岁，因四肢屈侧斑块半年余,于2005年4月就诊"
    )
    assert name_from_abstract("目的：研究块菌多糖的体外抗氧化作用。方法：") == "研究块菌多糖的体外抗氧化作用"
    assert name_from_abstract("W.G. Hou等提出了波束形成方法。") == "W.G. Hou等提出了波束形成方法"
    # over 60 characters: cut at the last comma outside brackets
    long = "基于支持向量机（SVM，一种方法）在核函数参数和惩罚因子人为选取的盲目性，以及传统粒子群算法后期易陷于局部最小值的不足与缺点分析,提出改进"
    assert name_from_abstract(long) == "基于支持向量机（SVM，一种方法）在核函数参数和惩罚因子人为选取的盲目性"
    assert name_from_abstract("一" * 70) == "一" * 59 + "…"


def test_demo_loader_publishes_public_records_once(applicant_org, applicant_admin, other_org, outsider):
    actors = {applicant_org.pk: applicant_admin, other_org.pk: outsider}
    created = load_demo_achievements(
        organisations=[applicant_org, other_org], actor_for=lambda o: actors[o.pk], limit=4
    )
    assert created == 8
    records = list(Achievement.objects.all())
    assert len(records) == 8 and public_achievements().count() == 8
    assert {(a.status, a.is_demo, a.secrecy) for a in records} == {("published", True, "public")}
    numbers = [a.registration_number for a in records]
    assert len(set(numbers)) == 8 and all(re.fullmatch(r"360\d{4}[123]\d{4}", n) for n in numbers)
    assert all(a.valid_until > datetime.date.today() and a.published_at for a in records)
    assert sorted(a.source for a in records)[0] == "CSL (github.com/ydli-ai/CSL, Apache-2.0) csl-dev-0000"
    assert {a.source.split(" ")[0] for a in records} == {"CSL", "FewCLUE"}
    first = Achievement.objects.get(source__endswith="csl-dev-0000")
    assert (first.name, first.discipline, first.discipline_category, first.kind) == (
        "一种基于平方和优化的飞行器大角度机动镇定控制器设计方法", "兵器科学与技术", "工学", "applied",
    )  # fmt: skip
    batches = AuditEvent.objects.filter(action="achievement.demo_publish")
    assert sum(e.changes["published"] for e in batches) == 8 and batches.count() <= 2

    assert (
        load_demo_achievements(organisations=[applicant_org, other_org], actor_for=lambda o: actors[o.pk], limit=4) == 0
    )
    assert Achievement.objects.count() == 8


def test_the_list_tells_a_government_account_what_its_export_holds(city_reviewer, applicant_member):
    """The list is the public registry; a government account's export also holds what it reviews."""
    note = "your export also holds the submitted and internal records of your jurisdiction"
    assert note in en_client(city_reviewer).get("/achievements/").content.decode()
    assert note not in en_client(applicant_member).get("/achievements/").content.decode()


def test_the_import_report_header_is_in_the_readers_language():
    problems = [io.Problem(row=3, field="name", message="必填")]
    with translation.override("zh-hans"):
        header = io.report_csv(problems).decode("utf-8-sig").splitlines()[0]
    assert header == "行,字段,问题"
    with translation.override("en"):
        assert io.report_csv(problems).decode("utf-8-sig").splitlines()[0] == "row,field,message"
