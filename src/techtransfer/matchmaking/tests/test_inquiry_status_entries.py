"""Each status change of an inquiry is an entry of its thread: who changed it, when, from what to
what (with the reason for closing or the contract number), shown to both sides in the reader's own
language. The entry stores codes and values, never a sentence in the writer's language.

Personas: the outsider (university, other_org) asks the applicant enterprise (applicant_org) about its
need; applicant_admin answers for the enterprise; applicant_member is a colleague who has not written.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from techtransfer.audit.models import AuditEvent
from techtransfer.core.errors import DomainError
from techtransfer.matchmaking import services
from techtransfer.matchmaking.choices import EntryKind
from techtransfer.matchmaking.choices import InquiryStatus as S
from techtransfer.matchmaking.models import Message
from techtransfer.needs.tests.factories import published_need
from techtransfer.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def inquiry(applicant_org, applicant_admin, applicant_member, county_reviewer, outsider, other_org):  # type: ignore[no-untyped-def]
    need = published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer)
    return services.start_inquiry(
        actor=outsider, organisation_id=other_org.pk, subject="关于退磁问题", message="我们有晶界扩散技术",
        need_id=need.pk,
    )  # fmt: skip


def _entries(inquiry):  # type: ignore[no-untyped-def]
    return list(
        Message.objects.filter(inquiry=inquiry, kind=EntryKind.STATUS)
        .order_by("pk")
        .values_list("author__username", "params")
    )


def test_each_status_change_is_an_entry_of_the_thread(inquiry, applicant_admin, outsider):
    services.change_status(actor=applicant_admin, inquiry_id=inquiry.pk, status=S.NEGOTIATING)
    services.change_status(actor=outsider, inquiry_id=inquiry.pk, status=S.CLOSED, reason=" 价格谈不拢 ")
    assert _entries(inquiry) == [
        ("applicant_admin", {"from": "contacted", "to": "negotiating"}),
        ("outsider", {"from": "negotiating", "to": "closed", "reason": "价格谈不拢"}),
    ]
    # Messages and entries in the order they happened; entries carry no body in anyone's language.
    assert list(inquiry.messages.values_list("kind", "body")) == [
        ("message", "我们有晶界扩散技术"),
        ("status", ""),
        ("status", ""),
    ]
    last = inquiry.messages.last()
    event = AuditEvent.objects.filter(action="inquiry.status").order_by("pk").last()
    assert event.changes == {
        "status": ["negotiating", "closed"], "reason": "价格谈不拢", "contract_reference": "", "message": last.pk
    }  # fmt: skip


def test_the_contract_number_is_part_of_the_entry(inquiry, applicant_admin):
    for status in (S.NEGOTIATING, S.INTENTION_SIGNED):
        services.change_status(actor=applicant_admin, inquiry_id=inquiry.pk, status=status)
    services.change_status(
        actor=applicant_admin, inquiry_id=inquiry.pk, status=S.CONTRACT_SIGNED, contract_reference="3601002026000017"
    )
    assert _entries(inquiry)[-1] == (
        "applicant_admin",
        {"from": "intention_signed", "to": "contract_signed", "contract_reference": "3601002026000017"},
    )
    entry = inquiry.messages.last()
    with translation.override("en"):
        assert entry.shown_text == (
            "Status changed: “Letter of intent signed” → “Contract signed”.\nContract registration number: 3601002026000017"
        )


def test_a_refused_change_leaves_no_entry(inquiry, applicant_admin):
    with pytest.raises(DomainError):
        services.change_status(actor=applicant_admin, inquiry_id=inquiry.pk, status=S.CONTRACT_SIGNED)
    with pytest.raises(DomainError):
        services.change_status(actor=applicant_admin, inquiry_id=inquiry.pk, status=S.CLOSED, reason=" ")
    assert _entries(inquiry) == []
    assert inquiry.messages.count() == 1


def test_both_sides_read_the_entry_in_their_own_language(inquiry, applicant_admin, outsider):
    services.change_status(actor=applicant_admin, inquiry_id=inquiry.pk, status=S.CLOSED, reason="需求已解决")
    entry = inquiry.messages.get(kind=EntryKind.STATUS)
    url = reverse("matchmaking:detail", args=[inquiry.pk])
    pages = {}
    for user, language in ((outsider, "en"), (applicant_admin, "zh-hans")):
        c = Client(headers={"accept-language": language})
        c.force_login(user)
        pages[language] = c.get(url).content.decode()
    stamp = timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M")
    assert (
        f'<li class="border-bottom pb-2 mb-2 small text-muted thread-status" id="entry-{entry.pk}">'
        f"<div>{applicant_admin} · {stamp} · Status change</div>"
        '<div style="white-space:pre-wrap">Status changed: “Contacted” → “Closed”.\nReason for closing: 需求已解决</div></li>'
    ) in pages["en"]
    # The statuses in the reader's language: the entry was written by a Chinese reader for both.
    assert "“已联系” → “已关闭”" in pages["zh-hans"]
    assert "“Contacted”" not in pages["zh-hans"]


def test_a_status_change_alone_does_not_make_its_author_a_writer_of_the_thread(
    inquiry, applicant_admin, applicant_member, outsider
):
    """Who is told of a message stays as before the entries: those who have written (or the first
    contacts), not a colleague who only moved the inquiry on."""
    services.change_status(actor=applicant_member, inquiry_id=inquiry.pk, status=S.NEGOTIATING)
    Notification.objects.all().delete()
    services.post_message(actor=outsider, inquiry_id=inquiry.pk, body="何时方便面谈？")
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["applicant_admin"]


def test_the_api_thread_gives_kind_values_and_text_in_the_request_language(client, inquiry, applicant_admin, outsider):
    services.change_status(actor=applicant_admin, inquiry_id=inquiry.pk, status=S.NEGOTIATING)
    client.force_login(outsider)
    rows = client.get(f"/api/v1/inquiries/{inquiry.pk}/messages", HTTP_ACCEPT_LANGUAGE="en").json()
    assert [(r["kind"], r["author_id"], r["body"], r["params"], r["text"]) for r in rows] == [
        ("message", outsider.pk, "我们有晶界扩散技术", {}, "我们有晶界扩散技术"),
        ("status", applicant_admin.pk, "", {"from": "contacted", "to": "negotiating"},
         "Status changed: “Contacted” → “Negotiating”."),
    ]  # fmt: skip


def test_older_threads_get_their_entries_from_the_audit_trail(inquiry, applicant_admin, outsider):
    """Migration 0005: changes made before the entries existed are read back from the audit events."""
    services.change_status(actor=applicant_admin, inquiry_id=inquiry.pk, status=S.NEGOTIATING)
    services.change_status(actor=outsider, inquiry_id=inquiry.pk, status=S.CLOSED, reason="不再合作")
    Message.objects.filter(kind=EntryKind.STATUS).delete()  # as before the change
    events = list(AuditEvent.objects.filter(action="inquiry.status").order_by("pk"))
    migration = importlib.import_module("techtransfer.matchmaking.migrations.0005_status_entries_from_audit")
    migration.forwards(apps, None)
    entries = list(Message.objects.filter(kind=EntryKind.STATUS).order_by("created_at", "pk"))
    assert [(e.author_id, e.params, e.created_at) for e in entries] == [
        (applicant_admin.pk, {"from": "contacted", "to": "negotiating"}, events[0].created_at),
        (outsider.pk, {"from": "negotiating", "to": "closed", "reason": "不再合作"}, events[1].created_at),
    ]
    migration.backwards(apps, None)
    assert not Message.objects.filter(kind=EntryKind.STATUS).exists()
