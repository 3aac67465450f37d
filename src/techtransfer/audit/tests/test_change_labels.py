"""Every key of an event's changes reads as a label on the log page, in the page's language.

QA: `fundedproject.remind` showed `sent_on`, `recipients`, `reminder` as written on Chinese pages; a
key that is no field of the event's object had no label. Apps label such keys
(`audit_tags.register_change_labels`, from their `apps.py`); `test_no_key_a_service_writes_is_unlabelled`
walks every `record_event(...)` call of the platform and fails on a key nobody labelled.
"""

from __future__ import annotations

import ast
import datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.test import Client
from django.utils import translation

import techtransfer
from techtransfer.achievements import reports
from techtransfer.audit.models import AuditEvent
from techtransfer.audit.services import record_event
from techtransfer.audit.templatetags.audit_tags import labelled, readable_changes
from techtransfer.core.choices import OrganisationStatus
from techtransfer.market import services as market
from techtransfer.market.choices import ListingStatus
from techtransfer.market.tests.factories import ListingFactory
from techtransfer.matchmaking.models import Message
from techtransfer.matchmaking.tests.factories import intention_signed_inquiry
from techtransfer.notifications.registry import KINDS

pytestmark = pytest.mark.django_db

OVERDUE_DAY = datetime.date(2025, 6, 30)  # the day after the report was due (END + 90 days)


def _page(user, lang: str, query: str) -> str:
    client = Client(headers={"accept-language": lang})
    client.force_login(user)
    response = client.get(f"/audit/?{query}")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def reminded(province_official, gov_orgs, applicant_org, applicant_admin):
    applicant_org.contact_email = "office@applicant.example.org"
    applicant_org.save(update_fields=["contact_email"])
    programme = reports.create_programme(
        actor=province_official, department_id=gov_orgs["province"].pk, name="省重点研发计划", year=2024
    )
    project = reports.create_project(
        actor=province_official, programme_id=programme.pk, number="20241BBE001", title="低温锂电池",
        owner_id=applicant_org.pk, principal_investigator="张三", end_date=datetime.date(2025, 3, 31),
    )  # fmt: skip
    assert reports.remind_project(actor=province_official, project=project, today=OVERDUE_DAY) == "sent"
    return project.reminders.get()


def test_a_project_reminder_reads_with_labels(reminded, platform_admin):
    emails = "applicant_admin@example.org, office@applicant.example.org"
    page = _page(platform_admin, "en", "action=fundedproject.remind")
    assert "<strong>sent on</strong>: 2025-06-30</div>" in page
    assert f"<strong>recipients</strong>: {emails}</div>" in page
    assert f"<strong>reminder no.</strong>: {reminded.pk}</div>" in page
    page = _page(platform_admin, "zh-hans", "action=fundedproject.remind")
    assert "<strong>发送日期</strong>：2025-06-30</div>" in page
    assert f"<strong>收件人</strong>：{emails}</div>" in page
    assert "<strong>sent_on</strong>" not in page and "<strong>reminder</strong>" not in page


def test_an_inquirys_status_change_names_its_reason_and_thread_entry(
    applicant_org, applicant_admin, county_reviewer, outsider, other_org, platform_admin
):
    inquiry = intention_signed_inquiry(
        owner=applicant_org, owner_admin=applicant_admin, reviewer=county_reviewer, enquirer=outsider,
        enquirer_org=other_org,
    )  # fmt: skip
    event = AuditEvent.objects.filter(action="inquiry.status", object_id=str(inquiry.pk)).latest("pk")
    entry = Message.objects.filter(inquiry=inquiry).latest("pk")
    assert event.changes["message"] == entry.pk
    with translation.override("en"):
        assert dict(readable_changes(event)) == {  # in the key order of PostgreSQL's jsonb, or as written
            "status": "Negotiating → Letter of intent signed",
            "reason": "—",
            "contract registration number": "—",
            "thread entry no.": str(entry.pk),
        }
    page = _page(platform_admin, "zh-hans", f"action=inquiry.status&object_id={inquiry.pk}")
    assert "<strong>理由</strong>：—</div>" in page
    assert "<strong>reason</strong>" not in page and "<strong>message</strong>" not in page
    # A broker's rating (`save_rating`'s changes): keys labelled as the rating's fields, a pair as a change.
    rating = record_event(
        actor=None, action="inquiry.rate_broker", obj=inquiry,
        changes={"score": [None, 4], "comment": [None, "响应及时"]},
    )  # fmt: skip
    with translation.override("en"):
        assert dict(readable_changes(rating)) == {"score": "— → 4", "comment": "— → 响应及时"}
    with translation.override("zh-hans"):
        assert dict(readable_changes(rating)) == {"分数": "— → 4", "备注": "— → 响应及时"}


def test_an_interest_in_a_listing_names_the_organisation(applicant_org, applicant_admin, other_org, platform_admin):
    applicant_org.status = OrganisationStatus.VERIFIED
    applicant_org.save(update_fields=["status"])
    listing = ListingFactory(organisation=other_org, status=ListingStatus.PUBLISHED)
    market.express_interest(
        actor=applicant_admin, listing_id=listing.pk, organisation_id=applicant_org.pk, message="想了解许可条件"
    )
    page = _page(platform_admin, "en", "action=listing.interest")
    assert f"<strong>organisation</strong>: {applicant_org.name}</div>" in page
    assert "<strong>message</strong>: 想了解许可条件</div>" in page
    assert "<strong>first interest</strong>: yes</div>" in page
    page = _page(platform_admin, "zh-hans", "action=listing.interest")
    assert f"<strong>机构</strong>：{applicant_org.name}</div>" in page


def test_labelled_keys_cost_one_query_a_named_model(platform_admin, applicant_org, django_assert_max_num_queries):
    """Names of the records labelled keys point to load once for the page, not once a row."""
    listings = [ListingFactory(organisation=applicant_org) for _ in range(3)]
    for i, listing in enumerate(listings * 10):
        record_event(
            actor=None, action="listing.interest", obj=listing,
            changes={"organisation": applicant_org.pk, "message": f"m{i}", "new": True},
        )  # fmt: skip
    c = Client(headers={"accept-language": "en"})
    c.force_login(platform_admin)
    with django_assert_max_num_queries(9):  # the 8 of a page of plain events, and the organisations' names
        page = c.get("/audit/?action=listing.interest").content.decode()
    assert page.count(f"<strong>organisation</strong>: {applicant_org.name}</div>") == 30


# --- every key a service writes has a label ----------------------------------------------------------

SRC = Path(techtransfer.__file__).parent

# Calls whose object is not the model their action names (`<model_name>.<verb>`): (file, action) → type.
OBJECT_OF = {
    ("achievements/demo.py", '"achievement.demo_publish"'): "core.organisation",
    ("api/tokens.py", '"token.create"'): "api.personalaccesstoken",
    ("api/tokens.py", '"token.revoke"'): "api.personalaccesstoken",
    ("jobs/tasks.py", "action"): "jobs.job",
    ("notifications/services.py", '"notifications.preferences"'): "core.user",
    # Any model with `AuditedAdminMixin`; only the user admin's "add" form has fields no model has.
    ("audit/admin_mixins.py", 'f"{obj._meta.model_name}.{verb}"'): "core.user",
}

# Calls whose changes the walk cannot read (a helper builds them, or a comprehension): the keys they may
# write that are no field of the object. Read the helper when it changes.
KEYS_OF = {
    ("achievements/services.py", '"achievement.update"'): {"contributors", "ip_items"},  # _set_children
    ("achievements/services.py", '"achievement.propose_revision"'): set(),  # the form's fields
    ("contracts/services.py", '"contract.create"'): set(),  # DATA_FIELDS
    ("audit/admin_mixins.py", 'f"{obj._meta.model_name}.{verb}"'): {"password1", "password2", "usable_password"},
    ("notifications/services.py", '"notifications.preferences"'): set(KINDS),
    ("matchmaking/services.py", '"inquiry.rate_broker"'): {"score", "comment"},  # save_rating
    ("market/services.py", '"deal.rate_broker"'): {"score", "comment"},  # save_rating
}

FIELDS_ONLY = {"snapshot", "diff"}  # helpers whose keys are fields of the object they read


class Opaque(Exception):
    pass


def _keys(expr: ast.expr | None, function: ast.AST | None) -> set[str]:
    """The keys `changes=expr` may hold that are not certainly fields; Opaque when the walk cannot tell."""
    if expr is None or (isinstance(expr, ast.Constant) and expr.value is None):
        return set()
    if isinstance(expr, ast.Dict):
        if not all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in expr.keys):
            raise Opaque
        return {k.value for k in expr.keys}  # type: ignore[union-attr]
    if isinstance(expr, ast.Call) and getattr(expr.func, "id", None) in FIELDS_ONLY:
        return set()
    if isinstance(expr, ast.Name) and isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        arguments = function.args
        if expr.id in {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)}:
            raise Opaque  # the caller's
        keys: set[str] = set()
        for node in ast.walk(function):
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name) and target.id == expr.id:
                        keys |= _keys(node.value, None)
                    elif isinstance(target, ast.Tuple) and any(
                        isinstance(t, ast.Name) and t.id == expr.id for t in target.elts
                    ):
                        raise Opaque
                    elif (
                        isinstance(target, ast.Subscript)
                        and isinstance(target.value, ast.Name)
                        and target.value.id == expr.id
                    ):
                        if not isinstance(target.slice, ast.Constant):
                            raise Opaque
                        keys.add(target.slice.value)
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == expr.id
                and node.func.attr in {"update", "setdefault"}
            ):
                raise Opaque
        return keys
    raise Opaque


def _object_type(action: ast.expr | None) -> str | None:
    """The model an action `<model_name>.<verb>` names ("fundedproject.remind" → achievements.fundedproject)."""
    if isinstance(action, ast.IfExp):
        action = action.body
    if isinstance(action, ast.JoinedStr) and action.values and isinstance(action.values[0], ast.Constant):
        action = action.values[0]
    if not (isinstance(action, ast.Constant) and isinstance(action.value, str)):
        return None
    prefix = action.value.split(".")[0]
    models = [m._meta.label_lower for m in apps.get_models() if m._meta.model_name == prefix]
    return models[0] if len(models) == 1 else None


def _calls():
    """(file, action source, object type, keys not certainly fields) of each `record_event` call."""
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if "/tests/" in f"/{relative}" or "/migrations/" in relative or relative == "audit/services.py":
            continue
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "record_event"):
                continue
            kw = {k.arg: k.value for k in node.keywords}
            action = ast.get_source_segment(source, kw["action"]) if "action" in kw else ""
            call = (relative, action)
            inner = [f for f in functions if f.lineno <= node.lineno <= (f.end_lineno or f.lineno)]
            function = max(inner, key=lambda f: f.lineno) if inner else None
            try:
                keys = _keys(kw.get("changes"), function)
            except Opaque:
                keys = KEYS_OF.get(call)
            yield call, OBJECT_OF.get(call) or _object_type(kw.get("action")), keys


def test_no_key_a_service_writes_is_unlabelled():
    """Each key a `record_event(...)` call of the platform writes in `changes` is a field of the event's
    object or has a label its app registered. Catches a new key in a dict written at the call or assigned
    key by key in the calling function, and a new call whose changes or object the walk cannot read (it
    must be declared above). Does not catch a key a declared helper starts writing, nor an object other
    than the action's model unless declared in OBJECT_OF."""
    calls = list(_calls())
    assert len(calls) > 80  # the walk finds the platform's calls
    undeclared = [call for call, _type, keys in calls if keys is None]
    assert undeclared == [], "declare the keys these calls write in KEYS_OF"
    without_object = [call for call, object_type, keys in calls if keys and object_type is None]
    assert without_object == [], "declare the object of these calls in OBJECT_OF"
    unlabelled = sorted(
        (object_type, key, call)
        for call, object_type, keys in calls
        for key in keys or ()
        if object_type is not None and not labelled(object_type, key)
    )
    assert unlabelled == []
    found = {call for call, _type, _keys in calls}
    assert set(OBJECT_OF) - found == set() and set(KEYS_OF) - found == set()  # nothing declared stale


def test_the_walk_reports_an_unlabelled_key():
    """The check itself: a key nobody labelled, and one labelled only by the shared words, as the walk sees them."""
    assert labelled("achievements.fundedproject", "reminder")
    assert labelled("achievements.fundedproject", "reason")  # the audit app's shared label
    assert not labelled("achievements.fundedproject", "reminders_sent")
    assert _keys(ast.parse('{"a": 1, "b": 2}', mode="eval").body, None) == {"a", "b"}
    function = ast.parse(
        'def f():\n    changes = diff(a, b)\n    changes["extra"] = 1\n    record_event(changes=changes)'
    )
    assert _keys(ast.Name(id="changes"), function.body[0]) == {"extra"}
    with pytest.raises(Opaque):
        _keys(ast.Name(id="changes"), ast.parse("def f(changes):\n    record_event(changes=changes)").body[0])
    with pytest.raises(Opaque):
        _keys(ast.parse("{k: v for k, v in x}", mode="eval").body, None)
