"""Changes that hold rows read row by row on the log page, each row's keys labelled in the page's language.

QA: a challenge's criteria, an achievement's contributors and IP items and a disclosure's inventors read
as one comma-joined run ("organisation, 南昌大学, —, —, person, 张三, …"), so one could not tell where a
row ended, and a catalogue's filters showed `discipline_category` and codes (`new_materials`) as written.
The rows come from the services themselves here, so a key a service starts writing without a label
fails `unlabelled(event) == []`; the registry check below fails on a column nobody labelled.
"""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.test import Client
from django.utils import timezone, translation

from techtransfer.achievements import catalogues
from techtransfer.achievements import disclosures as disclosure_services
from techtransfer.achievements import services as achievements
from techtransfer.achievements.catalogues import CatalogueCriteria
from techtransfer.achievements.choices import (
    AchievementKind,
    EmbodimentForm,
    EmergingIndustry,
    EvaluationLevel,
    PlanIndustry,
    Stage,
)
from techtransfer.achievements.tests.factories_catalogue import CatalogueFactory, PublishedAchievementFactory
from techtransfer.audit.models import AuditEvent
from techtransfer.audit.services import record_event
from techtransfer.audit.templatetags import audit_tags
from techtransfer.audit.templatetags.audit_tags import ChangeLabel, readable_changes, unlabelled
from techtransfer.core.choices import OrganisationType, Role
from techtransfer.core.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from techtransfer.needs.tests.factories import open_challenge, published_need

pytestmark = pytest.mark.django_db


def _read(event: AuditEvent, lang: str) -> dict[str, str]:
    with translation.override(lang):
        return dict(readable_changes(event))


def _latest(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("pk")


def test_an_achievements_contributors_and_ip_items_read_row_by_row(applicant_org, applicant_member):
    a = achievements.create_achievement(
        actor=applicant_member, organisation_id=applicant_org.pk,
        data={"name": "低温锂电池", "keywords": ["电池"], "abstract": "简介"},
        contributors=[{"kind": "organisation", "name": "南昌大学", "contribution": "中试"}],
    )  # fmt: skip
    achievements.update_achievement(
        actor=applicant_member, achievement_id=a.pk, data={},
        contributors=[
            {"kind": "organisation", "name": "南昌大学", "contribution": "中试"},
            {"kind": "person", "name": "张三", "affiliation": "化学学院", "contribution": "设计"},
        ],
        ip_items=[{"kind": "invention_patent", "title": "一种正极材料", "application_number": "CN202310000000.0"}],
    )  # fmt: skip
    event = _latest("achievement.update")
    assert unlabelled(event) == []
    assert _read(event, "en") == {
        "contributors": "kind: Organisation, name: 南昌大学, contribution: 中试 → "
        "kind: Organisation, name: 南昌大学, contribution: 中试; "
        "kind: Person, name: 张三, affiliation: 化学学院, contribution: 设计",
        "intellectual property": "— → IP type: Invention patent, title: 一种正极材料, "
        "application number: CN202310000000.0",
    }
    assert _read(event, "zh-hans") == {
        "完成人": "类型：机构，名称：南昌大学，贡献：中试 → "
        "类型：机构，名称：南昌大学，贡献：中试；类型：个人，名称：张三，所在单位：化学学院，贡献：设计",
        "知识产权": "— → 知识产权类型：发明专利，标题：一种正极材料，申请号：CN202310000000.0",
    }


def test_a_challenges_criteria_read_one_row_a_criterion(
    applicant_org, applicant_admin, county_reviewer, platform_admin
):
    need = published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer)
    open_challenge(need=need, seeker=applicant_admin, criteria=[("可行性", 60), ("成本", 40)])
    event = _latest("challenge.create")
    assert unlabelled(event) == []
    assert _read(event, "en")["criteria and weights"] == "criterion: 可行性, weight: 60; criterion: 成本, weight: 40"
    assert _read(event, "zh-hans")["评审标准及权重"] == "评审标准：可行性，权重：60；评审标准：成本，权重：40"
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(platform_admin)
    page = client.get("/audit/?action=challenge.create").content.decode()
    assert "<strong>评审标准及权重</strong>：评审标准：可行性，权重：60；评审标准：成本，权重：40</div>" in page


def test_a_disclosures_inventors_read_one_row_an_inventor(db):
    university = OrganisationFactory(type=OrganisationType.UNIVERSITY, region_id="360121")
    discloser = UserFactory(username="discloser")
    MembershipFactory(user=discloser, organisation=university, role=Role.MEMBER)
    d = disclosure_services.create_disclosure(
        actor=discloser, organisation_id=university.pk,
        data={"title": "一种正极材料", "technical_field": "电池", "problem": "低温衰减", "solution": "掺杂"},
        inventors=[{"name": "张三", "share": "60", "affiliation": "化学学院"}, {"name": "李四", "share": "40"}],
    )  # fmt: skip
    disclosure_services.update_disclosure(
        actor=discloser, disclosure_id=d.pk, data={}, inventors=[{"name": "张三", "share": "100", "affiliation": ""}]
    )
    event = _latest("disclosure.update")
    assert unlabelled(event) == []
    assert _read(event, "en") == {
        "inventors": "Name: 张三, Share: 60.00, Affiliation: 化学学院; Name: 李四, Share: 40.00 → "
        "Name: 张三, Share: 100.00"
    }
    assert _read(event, "zh-hans") == {
        "发明人": "姓名：张三，份额：60.00，所在单位：化学学院；姓名：李四，份额：40.00 → 姓名：张三，份额：100.00"
    }


def test_every_filter_of_a_catalogue_reads_by_its_label_and_a_choice_by_its_label(gov_orgs, province_official):
    """Each field of `CatalogueCriteria` set, through the service that writes them: none reads as written."""
    year = timezone.localdate().year
    PublishedAchievementFactory(
        name="稀土永磁材料制备", kind=AchievementKind.APPLIED, plan_industry=PlanIndustry.NEW_MATERIALS,
        emerging_industry=EmergingIndustry.MATERIALS, discipline="材料科学与工程", discipline_category="工学",
        stage=Stage.MATURE, trl=7, transfer_modes=["licence"], embodiment=EmbodimentForm.NEW_MATERIAL,
        evaluation_level=EvaluationLevel.DOMESTIC_LEADING,
    )  # fmt: skip
    criteria = CatalogueCriteria(
        q="永磁", plan_industry="new_materials", emerging_industry="3", discipline="材料科学与工程",
        discipline_category="工学", achievement_kind="applied", stage="mature", trl_min=6, trl_max=8,
        region_prefix="3601", transfer_mode="licence", published_year=year, embodiment="material",
        evaluation_level="dom_leading",
    )  # fmt: skip
    assert set(criteria.as_json()) == {f.name for f in dataclasses.fields(CatalogueCriteria)}  # every one set
    catalogue = CatalogueFactory(owner=gov_orgs["province"])
    assert catalogues.add_entries_from_filters(actor=province_official, catalogue_id=catalogue.pk, criteria=criteria)
    event = _latest("catalogue.add_entries")
    assert unlabelled(event) == []
    assert _read(event, "en")["filter criteria"] == (
        "Name or abstract contains: 永磁, Industry (action plan): New materials, "
        "Strategic emerging industry: New materials industry, Discipline: Materials science and engineering, "
        "Discipline category: 工学, Achievement type: Applied technology, Stage: Mature, TRL from: 6, TRL to: 8, "
        f"Region code: 3601, Transfer mode: Licence (许可), Published in year: {year}, "
        "Form of the results: New material, Evaluation level: Domestic leading"
    )
    assert _read(event, "zh-hans")["筛选条件"] == (
        "名称或简介包含：永磁，产业领域（行动计划）：新材料，战略性新兴产业：新材料产业，学科：材料科学与工程，"
        "学科门类：工学，成果类型：应用技术，成果所处阶段：成熟应用阶段，技术就绪度下限：6，技术就绪度上限：8，"
        f"行政区划代码：3601，转化方式：许可，发布年度：{year}，成果体现形式：新材料，评价水平：国内领先"
    )


def test_a_catalogues_stored_filters_read_one_row_a_set(gov_orgs, province_official):
    """`Catalogue.criteria` holds a list of sets, each with its count and time: a change of it reads set by set."""
    catalogue = CatalogueFactory(owner=gov_orgs["province"])
    at = datetime.datetime(2026, 3, 1, 1, 30, tzinfo=datetime.UTC).isoformat()
    first = {"stage": "mature", "added": 3, "at": at}
    event = record_event(
        actor=None, action="catalogue.test", obj=catalogue,
        changes={"criteria": [[first], [first, {"plan_industry": "new_energy", "added": 1, "at": at}]]},
    )  # fmt: skip
    assert unlabelled(event) == []
    assert _read(event, "en") == {
        "filter criteria": "Stage: Mature, achievements added: 3, Time: 2026-03-01 09:30:00 → "
        "Stage: Mature, achievements added: 3, Time: 2026-03-01 09:30:00; "
        "Industry (action plan): New energy, achievements added: 1, Time: 2026-03-01 09:30:00"
    }


def test_rows_no_app_labelled_read_row_by_row_and_are_reported(applicant_org):
    """The check itself: rows of keys nobody labelled still read one by one, and `unlabelled` names the keys."""
    event = record_event(
        actor=None, action="organisation.test", obj=applicant_org,
        changes={"members": [{"who": "张三", "role": "admin"}, {"who": "李四", "role": ""}], "name": ["甲", "乙"]},
    )  # fmt: skip
    assert unlabelled(event) == ["members", "members.who", "members.role"]
    assert _read(event, "en") == {"members": "who: 张三, role: admin; who: 李四", "name": "甲 → 乙"}


def test_a_json_list_fields_change_reads_before_and_after(applicant_org, applicant_member):
    """A list field's change ([before, after], as `diff` writes it) read as one run: 'a, b, a, c'."""
    a = achievements.create_achievement(
        actor=applicant_member, organisation_id=applicant_org.pk,
        data={"name": "低温锂电池", "keywords": ["电池", "低温"], "abstract": "简介"},
    )  # fmt: skip
    achievements.update_achievement(actor=applicant_member, achievement_id=a.pk, data={"keywords": ["电池", "正极"]})
    assert _read(_latest("achievement.update"), "en") == {"keywords": "电池, 低温 → 电池, 正极"}


def test_every_registered_column_has_a_label():
    """A row's columns (`ChangeLabel.columns`) each read by a label: one added to a service's columns
    (`achievements.services.CONTRIBUTOR_FIELDS`) without a field of that name, or a `like` naming no
    field, fails here."""
    with translation.override("en"):
        for object_type, mappings in audit_tags._CHANGE_LABELS.items():
            for labels in mappings:
                for key, given in labels.items():
                    if not (isinstance(given, ChangeLabel) and given.columns):
                        continue
                    for column in given.columns:
                        reading = audit_tags._key_reading(given.keys, column)
                        assert reading.known, (object_type, key, column)
    assert not audit_tags._key_reading({"x": ChangeLabel(like="achievements.contributor.nothing")}, "x").known
