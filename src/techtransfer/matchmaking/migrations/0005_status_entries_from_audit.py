"""Threads of inquiries moved on before status changes were written into them get their entries
from the audit trail (`inquiry.status` events: who, when, from what to what, the reason for closing),
so that an older thread reads like a new one. The contract number was not audited: it is taken from
the inquiry for its move to "contract signed"."""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    AuditEvent = apps.get_model("audit", "AuditEvent")
    Inquiry = apps.get_model("matchmaking", "Inquiry")
    Message = apps.get_model("matchmaking", "Message")
    events = AuditEvent.objects.filter(
        action="inquiry.status", object_type="matchmaking.inquiry", actor__isnull=False
    ).order_by("created_at", "pk")
    references = dict(Inquiry.objects.exclude(contract_reference="").values_list("pk", "contract_reference"))
    existing = set(Inquiry.objects.values_list("pk", flat=True))
    for event in events.iterator():
        pk = int(event.object_id) if event.object_id.isdigit() else None
        status = (event.changes or {}).get("status")
        if pk not in existing or not isinstance(status, list) or len(status) != 2:
            continue
        params = {"from": str(status[0]), "to": str(status[1])}
        if (event.changes or {}).get("reason"):
            params["reason"] = str(event.changes["reason"])
        if status[1] == "contract_signed" and references.get(pk):
            params["contract_reference"] = references[pk]
        entry = Message.objects.create(inquiry_id=pk, author_id=event.actor_id, kind="status", params=params)
        # auto_now_add set the time of the migration: the entry takes the time of the change.
        Message.objects.filter(pk=entry.pk).update(created_at=event.created_at)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("matchmaking", "Message").objects.filter(kind="status").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_append_only_triggers"),
        ("matchmaking", "0004_thread_status_entries"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
