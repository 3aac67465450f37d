"""Invention disclosures: workflow, decision, inventor shares, the visibility matrix and conversion into
a registry record.

Personas: a university in 南昌县 (360121) with a discloser, a colleague (plain member) and the
transfer office (org admin); the shared government personas (county and city reviewers and the
province official cover 南昌县, the Ganzhou reviewer does not); an outsider of another university;
anonymous visitors.
"""

import pytest
from django.test import Client

from techtransfer.achievements import disclosures as services
from techtransfer.achievements.disclosure_access import (
    disclosures_visible_to,
    get_disclosure_for_user,
    read_level,
)
from techtransfer.achievements.disclosure_forms import InventorsField
from techtransfer.achievements.models import Achievement, Contributor, Disclosure
from techtransfer.audit.models import AuditEvent
from techtransfer.core.choices import OrganisationType, Role
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

S = Disclosure.Status
D = Disclosure.Decision
V = Disclosure.Visibility

PROBLEM = "锂电池低温下容量衰减严重。"
SOLUTION = "采用梯度掺杂的正极材料与新型电解液配方。"
ADVANTAGES = "零下二十度容量保持率达到百分之八十五。"
INVENTORS = [
    {"name": "张三", "share": "60", "affiliation": "化学学院"},
    {"name": "李四", "share": "25.5", "affiliation": "化学学院"},
    {"name": "王五", "share": "14.5", "affiliation": "材料学院"},
]
DATA = {
    "title": "一种低温锂电池正极材料",
    "technical_field": "新能源电池",
    "problem": PROBLEM,
    "solution": SOLUTION,
    "advantages": ADVANTAGES,
    "prior_art": "现有技术依赖加热装置。",
    "commercial_potential": "电动汽车与储能。",
}


@pytest.fixture
def university(db):
    return OrganisationFactory(type=OrganisationType.UNIVERSITY, region_id="360121", name="南昌县测试大学")


def _member(username, org, role=Role.MEMBER):
    user = UserFactory(username=username)
    MembershipFactory(user=user, organisation=org, role=role)
    return user


@pytest.fixture
def discloser(university):
    return _member("discloser", university)


@pytest.fixture
def colleague(university):
    return _member("colleague", university)


@pytest.fixture
def office(university):
    return _member("office", university, Role.ORG_ADMIN)


def _draft(discloser, university, **data):
    return services.create_disclosure(
        actor=discloser, organisation_id=university.pk, data={**DATA, **data}, inventors=INVENTORS
    )


def test_the_same_inventor_twice_is_refused_namesakes_elsewhere_are_not():
    rows = [
        {"name": "张三", "share": "50", "affiliation": "化学学院"},
        {"name": "李四", "share": "20", "affiliation": "化学学院"},
        {"name": "张三", "share": "30", "affiliation": "化学学院"},
    ]
    from django.utils import translation

    with translation.override("en"), pytest.raises(DomainError) as exc:
        services.clean_inventors(rows)
    assert exc.value.details == {"inventors": ["Inventor 3 repeats inventor 1: name each inventor once."]}
    rows[2]["affiliation"] = "材料学院"  # another 张三
    assert [i["name"] for i in services.clean_inventors(rows)] == ["张三", "李四", "张三"]


def _decided(discloser, office, university, decision=D.PUBLISH, notes="内部评估：市场前景良好"):
    d = _draft(discloser, university)
    services.submit_disclosure(actor=discloser, disclosure_id=d.pk)
    services.start_assessment(actor=office, disclosure_id=d.pk)
    return services.decide_disclosure(
        actor=office, disclosure_id=d.pk, decision=decision, reasons="具备产业化条件", assessment_notes=notes
    )


def _events(d):
    return list(
        AuditEvent.objects.filter(object_type="achievements.disclosure", object_id=str(d.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


# --- drafts and inventors ------------------------------------------------------------------------------


def test_draft_stores_inventors_in_order_with_exact_shares(discloser, university):
    d = _draft(discloser, university)
    assert d.status == S.DRAFT
    assert d.inventors == [
        {"name": "张三", "share": "60.00", "affiliation": "化学学院"},
        {"name": "李四", "share": "25.50", "affiliation": "化学学院"},
        {"name": "王五", "share": "14.50", "affiliation": "材料学院"},
    ]
    assert d.description == f"{PROBLEM}\n\n{SOLUTION}\n\n{ADVANTAGES}"
    assert _events(d) == ["disclosure.create"]


@pytest.mark.parametrize(
    ("inventors", "message"),
    [
        (
            [{"name": "张三", "share": "60"}, {"name": "李四", "share": "30"}],
            "The shares add up to 90%; they must add up to 100%.",
        ),
        (
            [{"name": "张三", "share": "60"}, {"name": "李四", "share": "40.01"}],
            "The shares add up to 100.01%; they must add up to 100%.",
        ),
        ([], "Name at least one inventor."),
        (
            [{"name": "张三", "share": "0"}, {"name": "李四", "share": "100"}],
            "Inventor 1: the share must be a number above 0 and at most 100, with two decimals at most.",
        ),
        (
            [{"name": "张三", "share": "33.333"}, {"name": "李四", "share": "66.667"}],
            "Inventor 1: the share must be a number above 0 and at most 100, with two decimals at most.",
        ),
        (
            [{"name": "张三", "share": "abc"}],
            "Inventor 1: the share must be a number above 0 and at most 100, with two decimals at most.",
        ),
        ([{"name": "", "share": "100"}], "Inventor 1: give a name of at most 64 characters."),
    ],
)
def test_inventor_shares_must_sum_to_100(discloser, university, inventors, message, settings):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(DomainError) as exc:
        services.create_disclosure(actor=discloser, organisation_id=university.pk, data=DATA, inventors=inventors)
    assert exc.value.error == Errors.VALIDATION
    assert exc.value.details["inventors"][0] == message
    assert Disclosure.objects.count() == 0


def test_shares_with_percent_signs_and_decimals_that_sum_exactly_are_accepted():
    rows = services.clean_inventors(
        [{"name": "甲", "share": "33.33%"}, {"name": "乙", "share": "33.33"}, {"name": "丙", "share": "33.34 ％"}]
    )
    assert [r["share"] for r in rows] == ["33.33", "33.33", "33.34"]


def test_only_universities_institutes_and_hospitals_take_disclosures(applicant_member, applicant_org):
    with pytest.raises(DomainError) as exc:
        services.create_disclosure(
            actor=applicant_member, organisation_id=applicant_org.pk, data=DATA, inventors=INVENTORS
        )
    assert exc.value.error == services.DisclosureErrors.ORG_TYPE


def test_a_non_member_cannot_disclose_for_the_organisation(outsider, university):
    with pytest.raises(DomainError) as exc:
        _draft(outsider, university)
    assert exc.value.error == Errors.NOT_FOUND
    assert Disclosure.objects.count() == 0


def test_only_the_discloser_edits_and_only_while_draft_or_returned(discloser, colleague, office, university):
    d = _draft(discloser, university)
    for actor in (colleague, office):
        with pytest.raises(DomainError) as exc:
            services.update_disclosure(actor=actor, disclosure_id=d.pk, data={"title": "改"})
        assert exc.value.error == Errors.NOT_FOUND
    services.update_disclosure(actor=discloser, disclosure_id=d.pk, data={"title": "新标题"})
    services.submit_disclosure(actor=discloser, disclosure_id=d.pk)
    with pytest.raises(DomainError) as exc:
        services.update_disclosure(actor=discloser, disclosure_id=d.pk, data={"title": "提交后再改"})
    assert exc.value.error == services.DisclosureErrors.NOT_EDITABLE
    d.refresh_from_db()
    assert d.title == "新标题"
    assert _events(d) == ["disclosure.create", "disclosure.update", "disclosure.submit"]


# --- workflow ------------------------------------------------------------------------------------------------


def test_full_workflow_writes_one_event_per_step(discloser, office, university):
    d = _decided(discloser, office, university)
    assert (d.status, d.decision, d.decision_reasons, d.decided_by) == (S.DECIDED, D.PUBLISH, "具备产业化条件", office)
    assert d.decided_at is not None and d.submitted_at is not None
    assert _events(d) == [
        "disclosure.create",
        "disclosure.submit",
        "disclosure.start_assessment",
        "disclosure.decide",
    ]
    decide = AuditEvent.objects.get(action="disclosure.decide")
    assert decide.comment == "具备产业化条件"
    assert decide.changes["status"] == [S.UNDER_ASSESSMENT, S.DECIDED]


def test_return_needs_a_comment_and_the_discloser_resubmits(discloser, office, university):
    d = _draft(discloser, university)
    services.submit_disclosure(actor=discloser, disclosure_id=d.pk)
    with pytest.raises(DomainError) as exc:
        services.return_disclosure(actor=office, disclosure_id=d.pk, comment="  ")
    assert (exc.value.error, list(exc.value.details)) == (Errors.VALIDATION, ["comment"])
    d = services.return_disclosure(actor=office, disclosure_id=d.pk, comment="请补充实验数据")
    assert (d.status, d.return_comment) == (S.RETURNED, "请补充实验数据")
    services.update_disclosure(actor=discloser, disclosure_id=d.pk, data={"solution": SOLUTION + "附实验数据。"})
    d = services.submit_disclosure(actor=discloser, disclosure_id=d.pk)
    assert d.status == S.SUBMITTED


FORBIDDEN = [
    # (state reached, action)
    ("draft", "start_assessment"),
    ("draft", "decide"),
    ("draft", "return"),
    ("submitted", "submit"),
    ("submitted", "decide"),
    ("under_assessment", "submit"),
    ("under_assessment", "start_assessment"),
    ("decided", "submit"),
    ("decided", "start_assessment"),
    ("decided", "return"),
    ("decided", "decide"),
]


def _reach(state, discloser, office, university):
    d = _draft(discloser, university)
    if state == "draft":
        return d
    services.submit_disclosure(actor=discloser, disclosure_id=d.pk)
    if state == "submitted":
        return d
    services.start_assessment(actor=office, disclosure_id=d.pk)
    if state == "under_assessment":
        return d
    return services.decide_disclosure(actor=office, disclosure_id=d.pk, decision=D.FILE_PATENT, reasons="可专利")


def _do(action, d, discloser, office):
    if action == "submit":
        return services.submit_disclosure(actor=discloser, disclosure_id=d.pk)
    if action == "start_assessment":
        return services.start_assessment(actor=office, disclosure_id=d.pk)
    if action == "return":
        return services.return_disclosure(actor=office, disclosure_id=d.pk, comment="改")
    return services.decide_disclosure(actor=office, disclosure_id=d.pk, decision=D.PUBLISH, reasons="理由")


@pytest.mark.parametrize(("state", "action"), FORBIDDEN)
def test_forbidden_transitions_change_nothing(state, action, discloser, office, university):
    d = _reach(state, discloser, office, university)
    before = _events(d)
    with pytest.raises(DomainError) as exc:
        _do(action, d, discloser, office)
    assert exc.value.error == Errors.INVALID_TRANSITION
    d.refresh_from_db()
    assert d.status == state
    assert _events(d) == before


def test_only_the_transfer_office_assesses_and_only_the_discloser_submits(discloser, colleague, office, university):
    d = _draft(discloser, university)
    for actor in (colleague, office):
        with pytest.raises(DomainError) as exc:
            services.submit_disclosure(actor=actor, disclosure_id=d.pk)
        assert exc.value.error == Errors.NOT_FOUND
    services.submit_disclosure(actor=discloser, disclosure_id=d.pk)
    for actor in (discloser, colleague):
        with pytest.raises(DomainError) as exc:
            services.start_assessment(actor=actor, disclosure_id=d.pk)
        assert exc.value.error == Errors.NOT_FOUND
    services.start_assessment(actor=office, disclosure_id=d.pk)
    with pytest.raises(DomainError) as exc:
        services.decide_disclosure(actor=discloser, disclosure_id=d.pk, decision=D.PUBLISH, reasons="自己决定")
    assert exc.value.error == Errors.NOT_FOUND
    d.refresh_from_db()
    assert d.status == S.UNDER_ASSESSMENT


@pytest.mark.parametrize(
    ("decision", "reasons", "field"),
    [(D.PUBLISH, "", "reasons"), (D.PUBLISH, "   ", "reasons"), ("sell", "理由", "decision")],
)
def test_decision_requires_a_valid_decision_and_reasons(decision, reasons, field, discloser, office, university):
    d = _reach("under_assessment", discloser, office, university)
    with pytest.raises(DomainError) as exc:
        services.decide_disclosure(actor=office, disclosure_id=d.pk, decision=decision, reasons=reasons)
    assert exc.value.error == Errors.VALIDATION
    assert list(exc.value.details) == [field]
    d.refresh_from_db()
    assert (d.status, d.decision, d.decided_by) == (S.UNDER_ASSESSMENT, "", None)
    assert "disclosure.decide" not in _events(d)


# --- visibility ----------------------------------------------------------------------------------------------


def test_visibility_rules(discloser, colleague, office, university):
    d = _reach("submitted", discloser, office, university)
    with pytest.raises(DomainError) as exc:
        services.set_visibility(actor=office, disclosure_id=d.pk, visibility=V.PUBLIC)
    assert exc.value.error == services.DisclosureErrors.VISIBILITY_NOT_ALLOWED
    services.set_visibility(actor=office, disclosure_id=d.pk, visibility=V.GOVERNMENT)
    with pytest.raises(DomainError) as exc:
        services.set_visibility(actor=colleague, disclosure_id=d.pk, visibility=V.PRIVATE)
    assert exc.value.error == Errors.NOT_FOUND

    know_how = _decided(discloser, office, university, decision=D.KEEP_KNOW_HOW)
    assert services.allowed_visibilities(know_how) == [V.PRIVATE, V.GOVERNMENT]
    with pytest.raises(DomainError) as exc:
        services.set_visibility(
            actor=office, disclosure_id=know_how.pk, visibility=V.PUBLIC_SUMMARY, public_summary="摘要"
        )
    assert exc.value.error == services.DisclosureErrors.VISIBILITY_NOT_ALLOWED

    published = _decided(discloser, office, university)
    with pytest.raises(DomainError) as exc:
        services.set_visibility(
            actor=office, disclosure_id=published.pk, visibility=V.PUBLIC_SUMMARY, public_summary=" "
        )
    assert list(exc.value.details) == ["public_summary"]
    services.set_visibility(
        actor=office, disclosure_id=published.pk, visibility=V.PUBLIC_SUMMARY, public_summary="摘要"
    )
    event = AuditEvent.objects.filter(action="disclosure.set_visibility", object_id=str(published.pk)).get()
    assert event.changes == {"visibility": [V.PRIVATE, V.PUBLIC_SUMMARY], "public_summary": ["", "摘要"]}


def test_an_invention_to_be_patented_is_never_fully_public(discloser, office, university):
    d = _decided(discloser, office, university, decision=D.FILE_PATENT)
    assert services.allowed_visibilities(d) == [V.PRIVATE, V.GOVERNMENT, V.PUBLIC_SUMMARY]
    with pytest.raises(DomainError) as exc:
        services.set_visibility(actor=office, disclosure_id=d.pk, visibility=V.PUBLIC)
    assert exc.value.error == services.DisclosureErrors.PATENT_NOT_FILED
    assert exc.value.details == {"visibility": V.PUBLIC, "status": S.DECIDED}
    d.refresh_from_db()
    assert d.visibility == V.PRIVATE
    assert "disclosure.set_visibility" not in _events(d)

    c = _client(office)
    page = c.get(f"/disclosures/{d.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="public_summary"' in page and 'value="public"' not in page
    assert "cannot be made fully public before it is filed: its novelty would be lost." in page
    response = c.post(f"/disclosures/{d.pk}/visibility/", {"visibility": V.PUBLIC, "public_summary": ""})
    assert response.status_code == 400
    d.refresh_from_db()
    assert d.visibility == V.PRIVATE
    assert Client().get(f"/disclosures/{d.pk}/").status_code == 404

    services.set_visibility(actor=office, disclosure_id=d.pk, visibility=V.PUBLIC_SUMMARY, public_summary="低温电池")
    body = Client().get(f"/disclosures/{d.pk}/").content.decode()
    assert "低温电池" in body and PROBLEM not in body and "25.50%" not in body


PERSONAS = [
    "discloser",
    "colleague",
    "office",
    "county_reviewer",
    "city_reviewer",
    "province_official",
    "ganzhou_reviewer",
    "outsider",
    "anonymous",
]

# visibility -> read level per persona, in PERSONAS order
MATRIX = {
    V.PRIVATE: ["full", "none", "internal", "none", "none", "none", "none", "none", "none"],
    V.GOVERNMENT: ["full", "none", "internal", "full", "full", "full", "none", "none", "none"],
    V.PUBLIC_SUMMARY: ["full", "summary", "internal", "full", "full", "full", "summary", "summary", "summary"],
    V.PUBLIC: ["full", "full", "internal", "full", "full", "full", "full", "full", "full"],
}


@pytest.fixture
def people(discloser, colleague, office, county_reviewer, city_reviewer, province_official, ganzhou_reviewer, outsider):
    from django.contrib.auth.models import AnonymousUser

    return {
        "discloser": discloser,
        "colleague": colleague,
        "office": office,
        "county_reviewer": county_reviewer,
        "city_reviewer": city_reviewer,
        "province_official": province_official,
        "ganzhou_reviewer": ganzhou_reviewer,
        "outsider": outsider,
        "anonymous": AnonymousUser(),
    }


@pytest.mark.parametrize("visibility", list(MATRIX))
def test_visibility_matrix(visibility, people, discloser, office, university):
    d = _decided(discloser, office, university)
    services.set_visibility(
        actor=office, disclosure_id=d.pk, visibility=visibility, public_summary="公开摘要：低温电池"
    )
    d = Disclosure.objects.select_related("organisation").get(pk=d.pk)
    for persona, expected in zip(PERSONAS, MATRIX[visibility], strict=True):
        user = people[persona]
        assert read_level(user, d) == expected, persona
        in_list = disclosures_visible_to(user).filter(pk=d.pk).exists()
        assert in_list == (expected != "none"), persona
        c = Client()
        if persona != "anonymous":
            c.force_login(user)
        response = c.get(f"/disclosures/{d.pk}/")
        assert response.status_code == (404 if expected == "none" else 200), persona
        if expected == "none":
            continue
        body = response.content.decode()
        assert "一种低温锂电池正极材料" in body
        assert (PROBLEM in body) == (expected != "summary"), persona
        assert ("25.50%" in body) == (expected != "summary"), persona
        assert ("具备产业化条件" in body) == (expected != "summary"), persona
        assert ("内部评估：市场前景良好" in body) == (expected == "internal"), persona
        if visibility == V.PUBLIC_SUMMARY and expected == "summary":
            assert "公开摘要：低温电池" in body


def test_forbidden_looks_like_not_found(colleague, discloser, university):
    d = _draft(discloser, university)
    for pk in (d.pk, d.pk + 1000):
        with pytest.raises(DomainError) as exc:
            get_disclosure_for_user(colleague, pk)
        assert exc.value.error == Errors.NOT_FOUND


def test_a_discloser_who_left_loses_access(discloser, university):
    d = _draft(discloser, university)
    discloser.memberships.update(is_active=False)
    discloser.__dict__.pop("_membership_cache", None)
    assert read_level(discloser, d) == "none"
    assert not disclosures_visible_to(discloser).exists()


# --- into the registry ---------------------------------------------------------------------------------------


def test_conversion_creates_one_linked_draft_with_mapped_fields(discloser, office, university):
    d = _decided(discloser, office, university)
    a = services.convert_to_achievement(actor=office, disclosure_id=d.pk)
    d.refresh_from_db()
    assert d.achievement_id == a.pk
    assert Achievement.objects.count() == 1
    assert (a.status, a.name, a.organisation_id, a.region_id, a.created_by_id) == (
        Achievement.Status.DRAFT,
        "一种低温锂电池正极材料",
        university.pk,
        "360121",
        office.pk,
    )
    assert a.abstract == f"{PROBLEM}\n\n{SOLUTION}\n\n{ADVANTAGES}"
    assert (a.keywords, a.contact_name, a.contact_email, a.secrecy) == (
        ["新能源电池"],
        "discloser",
        "discloser@example.org",
        "public",
    )
    rows = list(a.contributors.values_list("kind", "position", "name", "affiliation", "contribution"))
    assert rows == [
        (Contributor.Kind.ORGANISATION, 1, "南昌县测试大学", "", ""),
        (Contributor.Kind.PERSON, 1, "张三", "化学学院", "60%"),
        (Contributor.Kind.PERSON, 2, "李四", "化学学院", "25.5%"),
        (Contributor.Kind.PERSON, 3, "王五", "材料学院", "14.5%"),
    ]
    assert _events(d)[-1] == "disclosure.convert"
    assert AuditEvent.objects.filter(action="achievement.create", object_id=str(a.pk)).count() == 1

    with pytest.raises(DomainError) as exc:
        services.convert_to_achievement(actor=office, disclosure_id=d.pk)
    assert exc.value.error == services.DisclosureErrors.ALREADY_CONVERTED
    assert Achievement.objects.count() == 1


def test_conversion_trims_the_abstract_to_2000_characters(discloser, office, university):
    d = _draft(discloser, university, solution="长" * 3000)
    services.submit_disclosure(actor=discloser, disclosure_id=d.pk)
    services.start_assessment(actor=office, disclosure_id=d.pk)
    services.decide_disclosure(actor=office, disclosure_id=d.pk, decision=D.KEEP_KNOW_HOW, reasons="保密")
    a = services.convert_to_achievement(actor=office, disclosure_id=d.pk)
    assert len(a.abstract) == 2000
    assert a.abstract.startswith(PROBLEM) and a.abstract.endswith("长…")
    assert a.secrecy == "internal"


def test_conversion_needs_a_decision_and_the_transfer_office(discloser, colleague, office, university):
    d = _reach("under_assessment", discloser, office, university)
    with pytest.raises(DomainError) as exc:
        services.convert_to_achievement(actor=office, disclosure_id=d.pk)
    assert exc.value.error == services.DisclosureErrors.NOT_DECIDED
    services.decide_disclosure(actor=office, disclosure_id=d.pk, decision=D.ASSIGN_TO_INVENTORS, reasons="赋权试点")
    for actor in (discloser, colleague):
        with pytest.raises(DomainError) as exc:
            services.convert_to_achievement(actor=actor, disclosure_id=d.pk)
        assert exc.value.error == Errors.NOT_FOUND
    assert Achievement.objects.count() == 0


def test_a_converted_draft_keeps_the_disclosures_audience(discloser, colleague, office, university):
    from techtransfer.achievements import io, selectors
    from techtransfer.achievements.access import achievements_visible_to, can_on_achievement
    from techtransfer.achievements.search import achievement_visibility
    from techtransfer.achievements.tests.factories import AchievementFactory

    d = _decided(discloser, office, university)
    page = _client(office).get(f"/disclosures/{d.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        '<p class="small text-muted mb-2" id="convert-audience">Until it is submitted, the draft is seen only by the '
        "organisation's admins, its author and the discloser, not by other members.</p>"
    ) in page
    a = services.convert_to_achievement(actor=office, disclosure_id=d.pk)
    plain = AchievementFactory(organisation=university, created_by=office)  # a draft not made from a disclosure
    a = Achievement.objects.get(pk=a.pk)
    org = {"organisation": str(university.pk)}
    for user, opens in ((discloser, True), (office, True), (colleague, False)):
        assert can_on_achievement(user, a, "view") is opens, user
        assert list(achievements_visible_to(user).filter(organisation=university).order_by("pk")) == (
            [a, plain] if opens else [plain]
        ), user
        assert {x.pk for x in selectors.mine(user)} == ({a.pk, plain.pk} if opens else {plain.pk}), user
        assert {x.pk for x in io.export_queryset(user, org)} == ({a.pk, plain.pk} if opens else {plain.pk}), user
        assert _client(user).get(f"/achievements/{a.pk}/").status_code == (200 if opens else 404), user
    assert _client(colleague).get(f"/achievements/{plain.pk}/").status_code == 200
    assert achievement_visibility(a) == ["admin", f"orgadmin:{university.pk}"]
    assert achievement_visibility(plain) == ["admin", f"org:{university.pk}"]


# --- pages -----------------------------------------------------------------------------------------------------


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_form_rejects_bad_shares_and_keeps_what_was_typed(discloser, university):
    c = _client(discloser)
    typed = "张三 | 70 | 化学学院\n李四 | 20 | 化学学院"
    post = {**DATA, "org": university.pk, "inventors": typed}
    response = c.post("/disclosures/new/", post, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.content.decode()
    assert "The shares add up to 90%" in body
    assert "张三 | 70 | 化学学院" in body and PROBLEM in body
    assert Disclosure.objects.count() == 0

    post["inventors"] = "张三 | 70 | 化学学院\n李四，30，化学学院"
    response = c.post("/disclosures/new/", post)
    d = Disclosure.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/disclosures/{d.pk}/"
    assert d.inventors == [
        {"name": "张三", "share": "70.00", "affiliation": "化学学院"},
        {"name": "李四", "share": "30.00", "affiliation": "化学学院"},
    ]


def test_enterprise_members_get_no_disclosure_form(applicant_member):
    assert _client(applicant_member).get("/disclosures/new/").status_code == 404


def test_pages_walk_the_workflow_to_a_registry_record(discloser, office, university):
    d = _draft(discloser, university)
    assert _client(discloser).post(f"/disclosures/{d.pk}/submit/").status_code == 302
    c = _client(office)
    c.post(f"/disclosures/{d.pk}/assess/")
    response = c.post(
        f"/disclosures/{d.pk}/decide/", {"decision": D.FILE_PATENT, "reasons": ""}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert 'value="file_patent" selected' in response.content.decode()
    d.refresh_from_db()
    assert d.status == S.UNDER_ASSESSMENT
    c.post(f"/disclosures/{d.pk}/decide/", {"decision": D.FILE_PATENT, "reasons": "新颖性强", "assessment_notes": ""})
    page = c.get(f"/disclosures/{d.pk}/").content.decode()
    assert 'id="convert-disclosure"' in page
    c.post(f"/disclosures/{d.pk}/convert/")
    c.post(f"/disclosures/{d.pk}/convert/")
    d.refresh_from_db()
    assert d.status == S.DECIDED and d.achievement_id is not None
    assert Achievement.objects.count() == 1
    page = c.get(f"/disclosures/{d.pk}/").content.decode()
    assert 'id="convert-disclosure"' not in page and 'id="registry-record"' in page


def test_visibility_form_offers_only_allowed_levels(discloser, office, university):
    d = _reach("submitted", discloser, office, university)
    c = _client(office)
    page = c.get(f"/disclosures/{d.pk}/").content.decode()
    assert 'value="government"' in page and 'value="public"' not in page
    response = c.post(f"/disclosures/{d.pk}/visibility/", {"visibility": V.PUBLIC, "public_summary": ""})
    assert response.status_code == 400
    d.refresh_from_db()
    assert d.visibility == V.PRIVATE
    c.post(f"/disclosures/{d.pk}/visibility/", {"visibility": V.GOVERNMENT, "public_summary": ""})
    d.refresh_from_db()
    assert d.visibility == V.GOVERNMENT


def test_colleague_cannot_post_office_actions(discloser, colleague, office, university):
    d = _reach("submitted", discloser, office, university)
    c = _client(colleague)
    for action in ("assess", "return", "decide", "visibility", "convert", "submit", "edit"):
        assert c.post(f"/disclosures/{d.pk}/{action}/", {"comment": "x"}).status_code == 404, action
    d.refresh_from_db()
    assert d.status == S.SUBMITTED


def test_list_query_budget(discloser, office, university, django_assert_max_num_queries):
    for i in range(25):
        _draft(discloser, university, title=f"发明{i}")
    c = _client(office)
    with django_assert_max_num_queries(10):
        response = c.get("/disclosures/")
    assert response.status_code == 200
    assert response.content.decode().count("/disclosures/") >= 20
    anonymous = Client().get("/disclosures/").content.decode()
    assert "发明1" not in anonymous


@pytest.mark.parametrize(
    "typed",
    [
        "张三 | 60 | 化学学院\n李四 | 40 | 化学学院",
        "张三｜60｜化学学院\n李四 ｜ 40 ｜ 化学学院",
        "张三，60，化学学院\n李四；40；化学学院",
        "张三：60 | 化学学院\n李四: 40: 化学学院",  # the colon of the registration form's contributor lines
    ],
)
def test_inventor_lines_are_read_with_the_separators_a_chinese_keyboard_types(typed):
    assert InventorsField().to_python(typed) == [
        {"name": "张三", "share": "60", "affiliation": "化学学院"},
        {"name": "李四", "share": "40", "affiliation": "化学学院"},
    ]


def test_the_history_shows_return_comments_and_changed_shares_to_the_discloser_and_office_only(
    discloser, colleague, office, university
):
    d = _draft(discloser, university)
    services.submit_disclosure(actor=discloser, disclosure_id=d.pk)
    services.return_disclosure(actor=office, disclosure_id=d.pk, comment="请补充对比试验数据。")
    services.update_disclosure(
        actor=discloser,
        disclosure_id=d.pk,
        data={},
        inventors=[
            {"name": "张三", "share": "50", "affiliation": "化学学院"},
            {"name": "李四", "share": "25.5", "affiliation": "化学学院"},
            {"name": "赵六", "share": "24.5", "affiliation": "物理学院"},
        ],
    )
    services.submit_disclosure(actor=discloser, disclosure_id=d.pk)
    services.start_assessment(actor=office, disclosure_id=d.pk)
    services.decide_disclosure(
        actor=office, disclosure_id=d.pk, decision=D.PUBLISH, reasons="具备产业化条件", assessment_notes="内部：竞品多"
    )
    services.set_visibility(actor=office, disclosure_id=d.pk, visibility=V.PUBLIC)
    for user in (discloser, office):
        page = _client(user).get(f"/disclosures/{d.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        history = page.split('id="disclosure-history">', 1)[1].split("</ol>", 1)[0]
        steps = [li.split('">', 1)[1].split("</span>", 1)[0] for li in history.split("<li>")[1:]]
        assert steps == [
            "Created", "Submitted", "Returned for changes", "Edited", "Submitted", "Assessment started", "Decided",
            "Visibility changed",
        ]  # fmt: skip
        assert "Returned for changes</span> — 请补充对比试验数据。" in history
        assert "Decided</span> — 具备产业化条件" in history
        assert "Inventor shares changed: 张三 60% → 50%; +赵六 24.5%; −王五 14.5%" in history
        assert "内部：竞品多" not in history
    public = _client(colleague).get(f"/disclosures/{d.pk}/").content.decode()
    assert PROBLEM in public and 'id="disclosure-history"' not in public and "请补充对比试验数据。" not in public
