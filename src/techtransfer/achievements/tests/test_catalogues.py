"""Catalogues (成果目录): who sees and edits them, filters, curation, workflow, audit trail and exports."""

import datetime
import io
import re
import shutil
import subprocess
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from techtransfer.achievements import catalogues as services
from techtransfer.achievements.catalogue_access import catalogue_entries, catalogues_visible_to, get_catalogue_for_user
from techtransfer.achievements.catalogue_exports import export_docx, export_pdf, export_xlsx
from techtransfer.achievements.catalogue_forms import CatalogueFilterForm, CatalogueForm
from techtransfer.achievements.catalogues import CatalogueCriteria
from techtransfer.achievements.choices import AchievementStatus, PlanIndustry, SecrecyLevel, Stage
from techtransfer.achievements.models import Catalogue, CatalogueAccess, CatalogueEntry
from techtransfer.achievements.tests.factories_catalogue import (
    CatalogueEntryFactory,
    CatalogueFactory,
    PublishedAchievementFactory,
)
from techtransfer.audit.models import AuditEvent
from techtransfer.core.choices import OrganisationStatus, OrganisationType, Role
from techtransfer.core.errors import DomainError
from techtransfer.core.tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

TITLE = "2026 先进适用科技成果目录 · 新材料"
MILITARY_TITLE = "2026 军转民技术推广目录"


def events(catalogue: Catalogue) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="achievements.catalogue", object_id=str(catalogue.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def names(catalogue: Catalogue) -> list[str]:
    return [e.achievement.name for e in catalogue.entries.order_by("position").select_related("achievement")]


@pytest.fixture(autouse=True)
def _empty_export_cache():
    cache.clear()


@pytest.fixture
def dept(gov_orgs):
    return gov_orgs["province"]


@pytest.fixture
def partner_org(db):
    return OrganisationFactory(type=OrganisationType.ENTERPRISE, region_id="360100", name="军民融合合作企业")


@pytest.fixture
def admitted_member(partner_org):
    user = UserFactory(username="admitted_member")
    MembershipFactory(user=user, organisation=partner_org, role=Role.MEMBER)
    return user


@pytest.fixture
def record(db):
    return PublishedAchievementFactory(
        name="稀土永磁材料低成本制备技术",
        registration_number="360202610001",
        transfer_modes=["licence", "assignment"],
    )


@pytest.fixture
def draft_catalogue(dept, record, province_official):
    c = CatalogueFactory(owner=dept, title=TITLE, created_by=province_official)
    CatalogueEntryFactory(catalogue=c, achievement=record, position=1, note="适合中小企业转化。")
    return c


@pytest.fixture
def published_catalogue(draft_catalogue):
    draft_catalogue.status = Catalogue.Status.PUBLISHED
    draft_catalogue.published_at = timezone.now()
    draft_catalogue.save()
    return draft_catalogue


@pytest.fixture
def military_catalogue(dept, record, province_official, partner_org):
    c = CatalogueFactory(
        owner=dept,
        title=MILITARY_TITLE,
        kind=Catalogue.Kind.MILITARY_TO_CIVILIAN,
        status=Catalogue.Status.PUBLISHED,
        published_at=timezone.now(),
        created_by=province_official,
    )
    CatalogueEntryFactory(catalogue=c, achievement=record, position=1)
    CatalogueAccess.objects.create(catalogue=c, organisation=partner_org, admitted_by=province_official)
    return c


def _persona(request, name):
    return None if name == "anonymous" else request.getfixturevalue(name)


def _status(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url).status_code


# --- permission matrix -------------------------------------------------------------------------------------

MATRIX_DRAFT = [
    ("anonymous", 404),
    ("applicant_member", 404),
    ("outsider", 404),
    ("province_official", 200),
    ("province_reviewer", 200),
    ("ganzhou_reviewer", 404),
    ("admitted_member", 404),
    ("platform_admin", 200),
]
MATRIX_PUBLISHED = [(name, 200) for name, _ in MATRIX_DRAFT]
MATRIX_MILITARY = [
    ("anonymous", 404),
    ("applicant_member", 404),
    ("outsider", 404),  # a verified organisation that was not admitted
    ("province_official", 200),
    ("province_reviewer", 200),
    ("ganzhou_reviewer", 404),
    ("admitted_member", 200),
    ("platform_admin", 200),
]


@pytest.mark.parametrize(("persona", "expected"), MATRIX_DRAFT)
def test_draft_is_seen_only_by_the_owner_department(request, client, draft_catalogue, persona, expected):
    user = _persona(request, persona)
    pk = draft_catalogue.pk
    assert _status(client, user, f"/catalogues/{pk}/") == expected
    assert client.get(f"/catalogues/{pk}/download/xlsx/").status_code == expected
    assert client.get(f"/catalogues/{pk}/download/pdf/").status_code == (404 if expected == 404 else 200)


@pytest.mark.parametrize(("persona", "expected"), MATRIX_PUBLISHED)
def test_published_catalogue_is_public(request, client, published_catalogue, persona, expected):
    user = _persona(request, persona)
    pk = published_catalogue.pk
    assert _status(client, user, f"/catalogues/{pk}/") == expected
    assert client.get(f"/catalogues/{pk}/download/xlsx/").status_code == expected
    assert client.get("/catalogues/").content.decode().count(TITLE) == 1


@pytest.mark.parametrize(("persona", "expected"), MATRIX_MILITARY)
def test_military_catalogue_only_for_admitted_organisations(request, client, military_catalogue, persona, expected):
    user = _persona(request, persona)
    pk = military_catalogue.pk
    assert _status(client, user, f"/catalogues/{pk}/") == expected
    for fmt in ("xlsx", "docx"):
        assert client.get(f"/catalogues/{pk}/download/{fmt}/").status_code == expected
    listed = MILITARY_TITLE in client.get("/catalogues/").content.decode()
    assert listed is (expected == 200)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 302),
        ("admitted_member", 404),
        ("outsider", 404),
        ("ganzhou_reviewer", 404),
        ("province_official", 200),
        ("province_reviewer", 200),
        ("platform_admin", 200),
    ],
)
def test_only_the_owner_department_opens_the_editor(request, client, military_catalogue, persona, expected):
    user = _persona(request, persona)
    assert _status(client, user, f"/catalogues/{military_catalogue.pk}/edit/") == expected


def test_admission_ends_when_the_organisation_is_suspended_or_revoked(
    military_catalogue, admitted_member, partner_org, province_official
):
    assert get_catalogue_for_user(admitted_member, military_catalogue.pk) == military_catalogue
    partner_org.status = OrganisationStatus.SUSPENDED
    partner_org.save()
    with pytest.raises(DomainError) as exc:
        get_catalogue_for_user(admitted_member, military_catalogue.pk)
    assert exc.value.code == "not_found"
    assert military_catalogue not in catalogues_visible_to(admitted_member)
    partner_org.status = OrganisationStatus.VERIFIED
    partner_org.save()
    services.revoke_organisation(
        actor=province_official, catalogue_id=military_catalogue.pk, organisation_id=partner_org.pk
    )
    assert military_catalogue not in catalogues_visible_to(admitted_member)
    assert events(military_catalogue) == ["catalogue.revoke"]


def test_only_verified_organisations_are_admitted_and_only_to_military_catalogues(
    military_catalogue, draft_catalogue, applicant_org, other_org, province_official, ganzhou_reviewer
):
    with pytest.raises(DomainError) as exc:
        services.admit_organisation(
            actor=province_official, catalogue_id=military_catalogue.pk, organisation_id=applicant_org.pk
        )
    assert exc.value.code == "catalogue_org_not_verified"
    with pytest.raises(DomainError) as exc:
        services.admit_organisation(
            actor=province_official, catalogue_id=draft_catalogue.pk, organisation_id=other_org.pk
        )
    assert exc.value.code == "catalogue_not_restricted"
    with pytest.raises(DomainError) as exc:
        services.admit_organisation(
            actor=ganzhou_reviewer, catalogue_id=military_catalogue.pk, organisation_id=other_org.pk
        )
    assert exc.value.code == "not_found"
    assert set(military_catalogue.access_grants.values_list("organisation__name", flat=True)) == {"军民融合合作企业"}
    assert events(military_catalogue) == []
    services.admit_organisation(
        actor=province_official, catalogue_id=military_catalogue.pk, organisation_id=other_org.pk
    )
    with pytest.raises(DomainError) as exc:
        services.admit_organisation(
            actor=province_official, catalogue_id=military_catalogue.pk, organisation_id=other_org.pk
        )
    assert exc.value.code == "already_admitted"
    assert events(military_catalogue) == ["catalogue.admit"]


def test_creating_requires_a_government_role_in_the_owner(dept, gov_orgs, province_official, outsider, other_org):
    data = {"title": TITLE, "year": 2026, "kind": Catalogue.Kind.ADVANCED_APPLICABLE, "description": ""}
    for actor, owner in ((outsider, dept), (outsider, other_org), (province_official, gov_orgs["ganzhou"])):
        with pytest.raises(DomainError) as exc:
            services.create_catalogue(actor=actor, owner_id=owner.pk, data=data)
        assert exc.value.code == "not_found"
    assert Catalogue.objects.count() == 0
    c = services.create_catalogue(actor=province_official, owner_id=dept.pk, data=data)
    assert (c.status, c.owner, c.created_by, c.title) == (Catalogue.Status.DRAFT, dept, province_official, TITLE)
    assert events(c) == ["catalogue.create"]


# --- curation ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "value"),
    [
        ("status", AchievementStatus.DRAFT),
        ("status", AchievementStatus.UNDER_REVIEW),
        ("status", AchievementStatus.WITHDRAWN),
        ("status", AchievementStatus.EXPIRED),
        ("secrecy", SecrecyLevel.INTERNAL),
    ],
)
def test_only_published_public_achievements_can_be_added(dept, province_official, change, value):
    c = CatalogueFactory(owner=dept)
    a = PublishedAchievementFactory(**{change: value})
    with pytest.raises(DomainError) as exc:
        services.add_entry(actor=province_official, catalogue_id=c.pk, achievement_id=a.pk)
    assert exc.value.code == "achievement_not_published"
    assert CatalogueEntry.objects.count() == 0
    assert events(c) == []


def test_manual_curation_adds_at_the_end_once(dept, province_official, ganzhou_reviewer):
    c = CatalogueFactory(owner=dept)
    first, second = PublishedAchievementFactory(name="甲"), PublishedAchievementFactory(name="乙")
    services.add_entry(actor=province_official, catalogue_id=c.pk, achievement_id=first.pk)
    entry = services.add_entry(actor=province_official, catalogue_id=c.pk, achievement_id=second.pk, note=" 推荐 ")
    assert (entry.position, entry.note) == (2, "推荐")
    with pytest.raises(DomainError) as exc:
        services.add_entry(actor=province_official, catalogue_id=c.pk, achievement_id=first.pk)
    assert exc.value.code == "already_in_catalogue"
    with pytest.raises(DomainError) as exc:
        services.add_entry(actor=ganzhou_reviewer, catalogue_id=c.pk, achievement_id=first.pk)
    assert exc.value.code == "not_found"
    assert names(c) == ["甲", "乙"]
    assert events(c) == ["catalogue.add_entry", "catalogue.add_entry"]


@pytest.fixture
def pool(db, partner_org):
    """Published records differing in one property each, plus records that must never match."""
    nanchang = OrganisationFactory(region_id="360121", name="南昌县企业")
    ganzhou = OrganisationFactory(region_id="360702", name="赣州企业")
    y2025 = timezone.make_aware(datetime.datetime(2025, 6, 1))
    y2026 = timezone.make_aware(datetime.datetime(2026, 3, 1))
    make = PublishedAchievementFactory
    return {
        "材料-成熟-南昌-许可": make(
            name="材料-成熟-南昌-许可", organisation=nanchang, plan_industry=PlanIndustry.NEW_MATERIALS,
            stage=Stage.MATURE, trl=8, transfer_modes=["licence"], published_at=y2026, discipline="材料科学与工程",
        ),
        "材料-中期-赣州-转让": make(
            name="材料-中期-赣州-转让", organisation=ganzhou, plan_industry=PlanIndustry.NEW_MATERIALS,
            stage=Stage.MIDDLE, trl=5, transfer_modes=["assignment"], published_at=y2025, discipline="材料科学与工程",
        ),
        "能源-成熟-赣州-许可转让": make(
            name="能源-成熟-赣州-许可转让", organisation=ganzhou, plan_industry=PlanIndustry.NEW_ENERGY,
            stage=Stage.MATURE, trl=9, transfer_modes=["licence", "assignment"], published_at=y2026,
            discipline="电气工程",
        ),
        "信息-初期-南昌-入股": make(
            name="信息-初期-南昌-入股", organisation=nanchang, plan_industry=PlanIndustry.NGIT,
            stage=Stage.EARLY, trl=3, transfer_modes=["equity"], published_at=y2025, discipline="计算机科学与技术",
        ),
        # Never match: not published, internal only.
        "材料-草稿": make(
            name="材料-草稿", organisation=nanchang, plan_industry=PlanIndustry.NEW_MATERIALS,
            status=AchievementStatus.DRAFT, registration_number=None, published_at=None, transfer_modes=["licence"],
        ),
        "材料-内部": make(
            name="材料-内部", organisation=nanchang, plan_industry=PlanIndustry.NEW_MATERIALS,
            secrecy=SecrecyLevel.INTERNAL, transfer_modes=["licence"],
        ),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        (CatalogueCriteria(plan_industry=PlanIndustry.NEW_MATERIALS), {"材料-成熟-南昌-许可", "材料-中期-赣州-转让"}),
        (CatalogueCriteria(stage=Stage.MATURE), {"材料-成熟-南昌-许可", "能源-成熟-赣州-许可转让"}),
        (CatalogueCriteria(trl_min=5, trl_max=8), {"材料-成熟-南昌-许可", "材料-中期-赣州-转让"}),
        (CatalogueCriteria(region_prefix="3607"), {"材料-中期-赣州-转让", "能源-成熟-赣州-许可转让"}),
        (CatalogueCriteria(region_prefix="360121"), {"材料-成熟-南昌-许可", "信息-初期-南昌-入股"}),
        (CatalogueCriteria(transfer_mode="licence"), {"材料-成熟-南昌-许可", "能源-成熟-赣州-许可转让"}),
        (CatalogueCriteria(transfer_mode="equity"), {"信息-初期-南昌-入股"}),
        (CatalogueCriteria(published_year=2025), {"材料-中期-赣州-转让", "信息-初期-南昌-入股"}),
        (CatalogueCriteria(discipline="材料科学与工程"), {"材料-成熟-南昌-许可", "材料-中期-赣州-转让"}),
        (CatalogueCriteria(q="能源"), {"能源-成熟-赣州-许可转让"}),
        (
            CatalogueCriteria(plan_industry=PlanIndustry.NEW_MATERIALS, transfer_mode="licence", region_prefix="36"),
            {"材料-成熟-南昌-许可"},
        ),
        (CatalogueCriteria(plan_industry=PlanIndustry.BIOMED), set()),
    ],
)
def test_filters_add_exactly_the_matching_published_records(dept, province_official, pool, criteria, expected):
    c = CatalogueFactory(owner=dept)
    added = services.add_entries_from_filters(actor=province_official, catalogue_id=c.pk, criteria=criteria)
    assert added == len(expected)
    assert set(names(c)) == expected
    assert list(c.entries.order_by("position").values_list("position", flat=True)) == list(range(1, added + 1))
    c.refresh_from_db()
    if expected:
        assert len(c.criteria) == 1
        assert {k: v for k, v in c.criteria[0].items() if k != "at"} == {**criteria.as_json(), "added": added}
        assert events(c) == ["catalogue.add_entries"]
    else:
        assert c.criteria == []
        assert events(c) == []


def test_filters_skip_records_already_in_the_catalogue_and_respect_the_limit(
    dept, province_official, pool, monkeypatch
):
    c = CatalogueFactory(owner=dept)
    materials = CatalogueCriteria(plan_industry=PlanIndustry.NEW_MATERIALS)
    services.add_entry(actor=province_official, catalogue_id=c.pk, achievement_id=pool["材料-中期-赣州-转让"].pk)
    assert services.add_entries_from_filters(actor=province_official, catalogue_id=c.pk, criteria=materials) == 1
    assert names(c) == ["材料-中期-赣州-转让", "材料-成熟-南昌-许可"]
    assert services.add_entries_from_filters(actor=province_official, catalogue_id=c.pk, criteria=materials) == 0
    monkeypatch.setattr(services, "MAX_ENTRIES", 2)
    with pytest.raises(DomainError) as exc:
        services.add_entries_from_filters(
            actor=province_official, catalogue_id=c.pk, criteria=CatalogueCriteria(stage=Stage.MATURE)
        )
    assert exc.value.code == "catalogue_too_large"
    assert exc.value.details == {"max": 2, "existing": 2, "matching": 1}
    assert c.entries.count() == 2


def test_filter_form_validates_and_builds_criteria():
    form = CatalogueFilterForm({"region_prefix": "36A", "trl_min": "7", "trl_max": "5", "discipline": "炼金术"})
    assert not form.is_valid()
    assert set(form.errors) == {"region_prefix", "trl_max", "discipline"}
    form = CatalogueFilterForm(
        {"region_prefix": "3601", "transfer_mode": "licence", "published_year": "2026", "discipline": "电气工程"}
    )
    assert form.is_valid(), form.errors
    expected = {"discipline": "电气工程", "region_prefix": "3601", "transfer_mode": "licence", "published_year": 2026}
    assert form.criteria() == CatalogueCriteria(**expected)
    assert form.criteria().as_json() == expected


@pytest.mark.parametrize(("given", "stored"), [("３６０１", "3601"), (" 360121 ", "360121"), ("36", "36")])
def test_filter_form_reads_full_width_region_digits(given, stored):
    form = CatalogueFilterForm({"region_prefix": given})
    assert form.is_valid(), form.errors
    assert form.criteria().region_prefix == stored


@pytest.mark.parametrize("given", ["٣٦٠١", "360", "3601x", "3６0"])
def test_filter_form_refuses_other_digits_and_odd_lengths(given):
    form = CatalogueFilterForm({"region_prefix": given})
    assert not form.is_valid()
    assert form.has_error("region_prefix", "region_prefix")
    assert form.errors["region_prefix"] == ["请填写行政区划代码的前 2 位、4 位或 6 位。"]


def test_reorder_remove_and_notes_keep_positions_without_gaps(dept, province_official):
    c = CatalogueFactory(owner=dept)
    entries = [
        services.add_entry(
            actor=province_official, catalogue_id=c.pk, achievement_id=PublishedAchievementFactory(name=n).pk
        )
        for n in ("一", "二", "三", "四")
    ]
    services.move_entry(actor=province_official, entry_id=entries[3].pk, position=1)
    assert names(c) == ["四", "一", "二", "三"]
    services.move_entry(actor=province_official, entry_id=entries[3].pk, position=99)  # clamped to the end
    assert names(c) == ["一", "二", "三", "四"]
    services.move_entry(actor=province_official, entry_id=entries[0].pk, position=3)
    assert names(c) == ["二", "三", "一", "四"]
    services.remove_entry(actor=province_official, entry_id=entries[2].pk)
    assert names(c) == ["二", "一", "四"]
    assert list(c.entries.order_by("position").values_list("position", flat=True)) == [1, 2, 3]
    services.set_entry_note(actor=province_official, entry_id=entries[1].pk, note="  重点推荐  ")
    services.set_entry_note(actor=province_official, entry_id=entries[1].pk, note="重点推荐")  # unchanged: no event
    assert CatalogueEntry.objects.get(pk=entries[1].pk).note == "重点推荐"
    with pytest.raises(DomainError) as exc:
        services.set_entry_note(actor=province_official, entry_id=entries[1].pk, note="长" * 1001)
    assert exc.value.code == "validation_error"
    assert events(c) == [
        *["catalogue.add_entry"] * 4,
        "catalogue.move_entry",
        "catalogue.move_entry",
        "catalogue.move_entry",
        "catalogue.remove_entry",
        "catalogue.set_note",
    ]


# --- workflow ----------------------------------------------------------------------------------------------


def test_workflow_publish_withdraw_reopen_with_audit_events(dept, province_official, ganzhou_reviewer, record):
    c = services.create_catalogue(
        actor=province_official,
        owner_id=dept.pk,
        data={"title": TITLE, "year": 2026, "kind": Catalogue.Kind.ADVANCED_APPLICABLE, "description": "说明"},
    )
    with pytest.raises(DomainError) as exc:
        services.publish_catalogue(actor=province_official, catalogue_id=c.pk)
    assert exc.value.code == "catalogue_empty"
    services.add_entry(actor=province_official, catalogue_id=c.pk, achievement_id=record.pk)
    with pytest.raises(DomainError) as exc:
        services.publish_catalogue(actor=ganzhou_reviewer, catalogue_id=c.pk)
    assert exc.value.code == "not_found"
    c = services.publish_catalogue(actor=province_official, catalogue_id=c.pk, comment="第一批")
    assert c.status == Catalogue.Status.PUBLISHED and c.published_at is not None
    with pytest.raises(DomainError) as exc:
        services.publish_catalogue(actor=province_official, catalogue_id=c.pk)
    assert exc.value.code == "invalid_transition"
    for frozen in (
        lambda: services.update_catalogue(actor=province_official, catalogue_id=c.pk, data={"title": "改"}),
        lambda: services.add_entries_from_filters(
            actor=province_official, catalogue_id=c.pk, criteria=CatalogueCriteria(stage=Stage.MATURE)
        ),
        lambda: services.set_entry_note(actor=province_official, entry_id=c.entries.get().pk, note="改"),
    ):
        with pytest.raises(DomainError) as exc:
            frozen()
        assert exc.value.code == "catalogue_not_draft"
    c = services.withdraw_catalogue(actor=province_official, catalogue_id=c.pk, comment="更正")
    assert c.status == Catalogue.Status.WITHDRAWN
    assert c not in catalogues_visible_to(UserFactory())
    c = services.reopen_catalogue(actor=province_official, catalogue_id=c.pk)
    assert c.status == Catalogue.Status.DRAFT
    services.update_catalogue(actor=province_official, catalogue_id=c.pk, data={"title": TITLE + "（修订）"})
    assert events(c) == [
        "catalogue.create",
        "catalogue.add_entry",
        "catalogue.publish",
        "catalogue.withdraw",
        "catalogue.reopen",
        "catalogue.update",
    ]
    publish = AuditEvent.objects.get(object_id=str(c.pk), action="catalogue.publish")
    assert publish.actor == province_official
    assert publish.organisation == dept
    assert publish.comment == "第一批"
    assert publish.changes["status"] == ["draft", "published"]


def test_records_withdrawn_later_are_hidden_and_block_publishing(draft_catalogue, province_official, client):
    extra = PublishedAchievementFactory(name="仍然有效的成果")
    services.add_entry(actor=province_official, catalogue_id=draft_catalogue.pk, achievement_id=extra.pk)
    stale = draft_catalogue.entries.get(position=1).achievement
    stale.status = AchievementStatus.WITHDRAWN
    stale.save()
    assert [e.achievement.name for e in catalogue_entries(draft_catalogue)] == ["仍然有效的成果"]
    assert len(catalogue_entries(draft_catalogue, include_stale=True)) == 2
    with pytest.raises(DomainError) as exc:
        services.publish_catalogue(actor=province_official, catalogue_id=draft_catalogue.pk)
    assert exc.value.code == "catalogue_stale_entries"
    assert exc.value.details == {"entries": ["稀土永磁材料低成本制备技术"]}
    client.force_login(province_official)
    editor = client.get(f"/catalogues/{draft_catalogue.pk}/edit/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No longer published" in editor


# --- exports ----------------------------------------------------------------------------------------------


def test_xlsx_cell_values(published_catalogue, record):
    from openpyxl import load_workbook

    with translation.override("en"):
        data = export_xlsx(published_catalogue, list(catalogue_entries(published_catalogue)))
    ws = load_workbook(io.BytesIO(data)).active
    day = timezone.localtime(published_catalogue.published_at).date().isoformat()
    assert ws["A1"].value == TITLE
    assert ws["A2"].value == (
        f"江西省科学技术厅 · 2026 · Advanced applicable technologies (先进适用科技成果) · Published on {day}"
    )
    assert [c.value for c in ws[3]] == [
        "No.", "Achievement name", "Registration number", "Completing organisation", "Region", "Industry",
        "Maturity", "Transfer modes", "Editorial note",
    ]  # fmt: skip
    assert [c.value for c in ws[4]] == [
        1, "稀土永磁材料低成本制备技术", "360202610001", record.organisation.name,
        "江西省南昌市南昌县 (Nanchang County, Nanchang City, Jiangxi Province)", "New materials", "Mature (TRL 7)", "Licence (许可), Assignment (转让)", "适合中小企业转化。",
    ]  # fmt: skip
    assert ws.max_row == 4
    with translation.override("zh-hans"):
        data = export_xlsx(published_catalogue, list(catalogue_entries(published_catalogue)))
    assert load_workbook(io.BytesIO(data)).active["E4"].value == "江西省南昌市南昌县"


def test_docx_lists_entries_with_east_asian_font(published_catalogue):
    from docx import Document
    from docx.oxml.ns import qn

    second = PublishedAchievementFactory(name="锂电池正极材料回收技术")
    CatalogueEntryFactory(catalogue=published_catalogue, achievement=second, position=2)
    with translation.override("zh-hans"):
        data = export_docx(published_catalogue, list(catalogue_entries(published_catalogue)))
    doc = Document(io.BytesIO(data))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == TITLE
    assert "1. 稀土永磁材料低成本制备技术" in texts
    assert "2. 锂电池正极材料回收技术" in texts
    assert any("360202610001" in t for t in texts)
    assert any("适合中小企业转化。" in t for t in texts)
    rfonts = doc.styles["Normal"].element.rPr.rFonts
    assert rfonts.get(qn("w:eastAsia")) == "WenQuanYi Micro Hei"
    assert doc.sections[0].header.paragraphs[0].text == TITLE


def _pdf_text(data: bytes, tmp_path, *options: str) -> str:
    """The text pdftotext reads from `data`; the test is skipped where poppler-utils is missing."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; text extraction not checked")
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(data)
    return subprocess.run(["pdftotext", *options, str(pdf), "-"], capture_output=True, check=True, text=True).stdout


def test_pdf_embeds_the_chinese_font_and_has_extractable_text(published_catalogue, tmp_path):
    with translation.override("zh-hans"):
        data = export_pdf(published_catalogue, list(catalogue_entries(published_catalogue)))
    assert data.startswith(b"%PDF-")
    assert b"+WenQuanYiMicroHei" in data  # the subset's BaseFont
    assert b"/FontFile2" in data  # the TrueType program is embedded
    assert b"/Helvetica" not in data  # no unembedded standard font slipped in
    text = _pdf_text(data, tmp_path)
    assert "360202610001" in text
    assert "稀土永磁材料低成本制备技术" in text
    assert TITLE in text
    assert "第 2 页" in text


def test_download_streams_with_rfc5987_filename(client, published_catalogue):
    response = client.get(f"/catalogues/{published_catalogue.pk}/download/pdf/")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="catalogue-{published_catalogue.pk}.pdf"; '
        f"filename*=UTF-8''{quote(TITLE + '.pdf', safe='')}"
    )
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-") and len(body) == int(response["Content-Length"])
    assert client.get(f"/catalogues/{published_catalogue.pk}/download/exe/").status_code == 404


# --- pages ------------------------------------------------------------------------------------------------


def test_public_page_links_records_and_shows_notes(client, published_catalogue, record):
    html = client.get(f"/catalogues/{published_catalogue.pk}/").content.decode()
    assert f'href="/achievements/{record.pk}/"' in html
    assert "360202610001" in html
    assert "适合中小企业转化。" in html
    assert f'href="/catalogues/{published_catalogue.pk}/download/pdf/"' in html
    assert f"/catalogues/{published_catalogue.pk}/edit/" not in html


def test_the_new_catalogue_form_proposes_this_year_and_an_example_title_of_it():
    """The example title said 2026 in any year."""
    year = timezone.localdate().year
    with translation.override("en"):
        form = CatalogueForm()
        assert (form["year"].initial, form.fields["title"].help_text) == (
            year, f"For example: {year} 先进适用科技成果目录 · 新材料"
        )  # fmt: skip


def test_editor_flow_through_the_pages(client, dept, province_official, pool):
    client.force_login(province_official)
    response = client.post(
        "/catalogues/new/", {"owner": dept.pk, "title": "", "year": "1999", "kind": "advanced_applicable"}
    )
    assert response.status_code == 200
    assert Catalogue.objects.count() == 0
    assert 'value="1999"' in response.content.decode()
    response = client.post(
        "/catalogues/new/", {"owner": dept.pk, "title": TITLE, "year": "2026", "kind": "advanced_applicable"}
    )
    c = Catalogue.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/catalogues/{c.pk}/edit/"
    preview = client.get(f"/catalogues/{c.pk}/edit/", {"plan_industry": "new_materials"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "2 published achievements match" in preview.content.decode()
    assert client.post(f"/catalogues/{c.pk}/add-matching/", {}).status_code == 200  # no filter chosen
    assert c.entries.count() == 0
    client.post(f"/catalogues/{c.pk}/add-matching/", {"plan_industry": "new_materials"})
    assert names(c) == ["材料-成熟-南昌-许可", "材料-中期-赣州-转让"]
    number = pool["信息-初期-南昌-入股"].registration_number
    client.post(f"/catalogues/{c.pk}/entries/add/", {"registration_number": number, "note": "手工加入"})
    assert names(c)[-1] == "信息-初期-南昌-入股"
    last = c.entries.get(position=3)
    response = client.post(f"/catalogues/{c.pk}/entries/{last.pk}/move/", {"direction": "up"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.content.decode().startswith('<div id="catalogue-entries">')
    assert names(c) == ["材料-成熟-南昌-许可", "信息-初期-南昌-入股", "材料-中期-赣州-转让"]
    client.post(f"/catalogues/{c.pk}/entries/{last.pk}/note/", {"note": "编者按：重点推荐"}, HTTP_HX_REQUEST="true")
    assert c.entries.get(pk=last.pk).note == "编者按：重点推荐"
    first = c.entries.get(position=1)
    assert client.post(f"/catalogues/{c.pk}/entries/{first.pk}/remove/").status_code == 302
    assert names(c) == ["信息-初期-南昌-入股", "材料-中期-赣州-转让"]
    response = client.post(f"/catalogues/{c.pk}/transition/", {"action": "publish"})
    assert response["Location"] == f"/catalogues/{c.pk}/"
    c.refresh_from_db()
    assert c.status == Catalogue.Status.PUBLISHED
    client.logout()
    assert TITLE in client.get("/catalogues/").content.decode()


def test_entry_urls_must_belong_to_the_catalogue(client, dept, province_official, draft_catalogue):
    other = CatalogueFactory(owner=dept)
    entry = draft_catalogue.entries.get()
    client.force_login(province_official)
    assert client.post(f"/catalogues/{other.pk}/entries/{entry.pk}/remove/").status_code == 404
    assert draft_catalogue.entries.count() == 1


def test_list_and_page_query_budgets(client, dept, province_official, django_assert_max_num_queries):
    for i in range(15):
        c = CatalogueFactory(owner=dept, status=Catalogue.Status.PUBLISHED, published_at=timezone.now())
        if i == 0:
            big = c
    for i in range(30):
        CatalogueEntryFactory(catalogue=big, position=i + 1)
    with django_assert_max_num_queries(6):
        assert client.get("/catalogues/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(f"/catalogues/{big.pk}/").status_code == 200
    client.force_login(province_official)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/catalogues/{big.pk}/edit/").status_code == 200
    assert len(ctx.captured_queries) <= 14


def test_published_exports_are_cached_until_a_record_changes(published_catalogue, record, monkeypatch):
    from techtransfer.achievements import catalogue_exports

    calls = []
    real = catalogue_exports.export

    def counting(catalogue, entries, fmt):
        calls.append([e.achievement.name for e in entries])
        return real(catalogue, entries, fmt)

    monkeypatch.setattr(catalogue_exports, "export", counting)
    first = catalogue_exports.export_for_download(published_catalogue, "xlsx")
    assert catalogue_exports.export_for_download(published_catalogue, "xlsx") == first
    assert calls == [["稀土永磁材料低成本制备技术"]]
    record.name = "稀土永磁材料低成本制备技术（修订）"
    record.save()
    catalogue_exports.export_for_download(published_catalogue, "xlsx")
    assert calls[-1] == ["稀土永磁材料低成本制备技术（修订）"]
    published_catalogue.status = Catalogue.Status.DRAFT
    published_catalogue.save()
    catalogue_exports.export_for_download(published_catalogue, "xlsx")
    catalogue_exports.export_for_download(published_catalogue, "xlsx")
    assert len(calls) == 4  # drafts change without touching the catalogue row: never cached


def test_the_list_counts_the_entries_readers_see(client, published_catalogue, record):
    """An entry whose achievement became internal is left out of the page and the exports; the list
    still counted it (and so told that a hidden entry exists)."""
    from techtransfer.achievements.choices import SecrecyLevel

    def listed_count() -> str:
        row = client.get("/catalogues/").content.decode().split(TITLE)[1].split("</tr>")[0]
        return row.rsplit('<td class="text-end">', 1)[1].split("</td>")[0]

    assert listed_count() == "1"
    record.secrecy = SecrecyLevel.INTERNAL
    record.save(update_fields=["secrecy"])
    assert listed_count() == "0"


def test_every_contents_line_ends_with_its_page_number_whatever_the_titles_length(published_catalogue, tmp_path):
    """QA: a title that filled its last line of the contents lost its page number (drawn in a
    shrinking font where no room was left), another had no dots before it."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; text extraction not checked")
    base = "稀土永磁材料低成本制备技术及其在新能源汽车驱动电机中的应用研究与示范"
    for i, n in enumerate(range(30, 66), start=2):  # titles of 30 to 65 characters: some fill a line
        record = PublishedAchievementFactory(name=(base * 2)[:n])
        CatalogueEntryFactory(catalogue=published_catalogue, achievement=record, position=i)
    with translation.override("zh-hans"):
        data = export_pdf(published_catalogue, list(catalogue_entries(published_catalogue)))
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", "3", str(pdf), "-"], capture_output=True,
                          check=True, text=True).stdout  # fmt: skip
    entries = 1 + 36
    numbered = [line for line in text.splitlines() if re.search(r"\. \.\s*\d+\s*$", line)]
    assert len(numbered) == entries, text


def test_pdf_draws_symbols_and_emoji_the_chinese_font_lacks(published_catalogue, tmp_path):
    """QA: emoji vanished from the catalogue PDF (the Chinese font has no glyph for them)."""
    from techtransfer.achievements.catalogue_exports import PDF_FONT, PDF_SYMBOL_FONT, pdf_markup, pdf_segments

    assert pdf_segments("节能🌱技术") == [(PDF_FONT, "节能"), (PDF_SYMBOL_FONT, "🌱"), (PDF_FONT, "技术")]
    # ☀ and ⚡ only the symbol font draws (the selector after ☀ is dropped); ✓ the Chinese font has.
    assert pdf_segments("☀️光伏 ✓ ⚡") == [(PDF_SYMBOL_FONT, "☀"), (PDF_FONT, "光伏 ✓ "), (PDF_SYMBOL_FONT, "⚡")]
    assert pdf_markup("a<b 🚀") == 'a&lt;b <font name="SymbolaSymbols">🚀</font>'
    record = PublishedAchievementFactory(name="智能温室🌱灌溉系统", abstract="节水 ♻ 增产 ☀️ 光照补偿")
    CatalogueEntryFactory(catalogue=published_catalogue, achievement=record, position=2)
    published_catalogue.title = "🚀 科技成果目录"
    published_catalogue.save(update_fields=["title"])
    with translation.override("zh-hans"):
        data = export_pdf(published_catalogue, list(catalogue_entries(published_catalogue)))
    assert b"+Symbola" in data  # the symbol font's subset (PostScript name Symbola) beside the Chinese one
    text = _pdf_text(data, tmp_path)
    assert "智能温室🌱灌溉系统" in text
    assert "节水 ♻ 增产 ☀ 光照补偿" in text
    assert text.count("🚀 科技成果目录") >= 3  # the cover and each page's header
