"""The achievement form. Saved unchanged, it records no edit (the history listed an "edit" for every
save); a changed contributor or IP line is recorded with the lines before and after and gives the
record a new version. A new record's readiness level starts empty; the disciplines come under their
categories."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from techtransfer.achievements.forms import AchievementForm
from techtransfer.achievements.models import Achievement
from techtransfer.achievements.tests.factories import valid_form_data
from techtransfer.audit.models import AuditEvent
from techtransfer.core.tests.factories import form_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(applicant_member) -> Client:  # type: ignore[no-untyped-def]
    c = Client(headers={"accept-language": "zh-hans"})
    c.force_login(applicant_member)
    return c


@pytest.fixture
def record(editor, applicant_org) -> Achievement:  # type: ignore[no-untyped-def]
    data = valid_form_data(organisation=applicant_org.pk)
    data.update(
        {
            "contributor_organisations": "南昌县测试企业",
            "contributor_people": "张三（南昌县测试企业）：设计\n李四（南昌县测试企业）：测试",
            "ip_items": "发明专利：一种方法：CN1：CN2",
        }
    )
    assert editor.post("/achievements/new/", data).status_code == 302
    return Achievement.objects.get()


def _edits(a: Achievement) -> list[dict[str, object]]:
    return list(
        AuditEvent.objects.filter(action="achievement.update", object_id=str(a.pk)).values_list("changes", flat=True)
    )


def _form(editor: Client, a: Achievement) -> dict[str, str | list[str]]:
    return form_values(editor.get(f"/achievements/{a.pk}/edit/").content.decode(), "achievement-form")


def test_an_unchanged_save_records_nothing(editor, record):
    before = Achievement.objects.get(pk=record.pk).updated_at
    response = editor.post(f"/achievements/{record.pk}/edit/", _form(editor, record))
    assert (response.status_code, response["Location"]) == (302, f"/achievements/{record.pk}/")
    assert _edits(record) == []
    assert Achievement.objects.get(pk=record.pk).updated_at == before
    assert [c.name for c in Achievement.objects.get(pk=record.pk).contributors.order_by("kind", "position")] == [
        "南昌县测试企业", "张三", "李四",
    ]  # fmt: skip


def test_a_changed_contributor_line_is_recorded_with_the_lines(editor, record):
    before = Achievement.objects.get(pk=record.pk).updated_at
    sent = _form(editor, record)
    sent["contributor_people"] = (
        "李四（南昌县测试企业）：测试\n张三（南昌县测试企业）：设计"  # the order is the ranking
    )
    assert editor.post(f"/achievements/{record.pk}/edit/", sent).status_code == 302
    assert _edits(record) == [
        {
            "contributors": [
                [
                    ["organisation", "南昌县测试企业", "", ""],
                    ["person", "张三", "南昌县测试企业", "设计"],
                    ["person", "李四", "南昌县测试企业", "测试"],
                ],
                [
                    ["organisation", "南昌县测试企业", "", ""],
                    ["person", "李四", "南昌县测试企业", "测试"],
                    ["person", "张三", "南昌县测试企业", "设计"],
                ],
            ]
        }
    ]
    assert Achievement.objects.get(pk=record.pk).updated_at > before


def test_a_new_record_offers_no_readiness_level_and_an_edit_keeps_its_own(editor, record):
    new = editor.get("/achievements/new/").content.decode()
    assert '<input type="number" name="trl" min="1" class="form-control" max="9" required id="id_trl">' in new
    assert _form(editor, record)["trl"] == "6"


def test_the_disciplines_are_offered_under_their_categories(editor):
    with translation.override("zh-hans"):
        choices = AchievementForm().fields["discipline"].choices
    assert choices[0] == ("", "— 请选择 —")
    groups = dict(choices[1:])
    assert list(groups)[:3] == ["哲学", "经济学", "法学"] and list(groups)[-1] == "艺术学"
    assert sum(len(g) for g in groups.values()) == 67
    assert ("材料科学与工程", "材料科学与工程") in groups["工学"]
    page = editor.get("/achievements/new/").content.decode()
    assert page.count("<optgroup") == 13 and '<optgroup label="工学">' in page
