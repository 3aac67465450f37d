"""Django admin changes go through the audit trail too."""

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.forms import ModelForm
from django.http import HttpRequest

from techtransfer.audit.services import record_event


class AuditedAdminMixin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Writes `<model>.admin_create|admin_update|admin_delete` events with the changed fields."""

    def save_model(self, request: HttpRequest, obj: models.Model, form: ModelForm, change: bool) -> None:  # type: ignore[type-arg]
        with transaction.atomic():
            before = {}
            if change and form.changed_data:
                before = {k: v for k, v in form.initial.items() if k in form.changed_data}
            super().save_model(request, obj, form, change)
            # Secrets (password fields of the user forms) are named, never recorded.
            changes = {
                name: ["***", "***"]
                if "password" in name
                else [str(before.get(name, "")), str(form.cleaned_data.get(name, ""))]
                for name in form.changed_data
            }
            _record(request, obj, "admin_update" if change else "admin_create", changes)

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            _record(request, obj, "admin_delete")
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                _record(request, obj, "admin_delete")
            super().delete_queryset(request, queryset)


def _record(request: HttpRequest, obj: models.Model, verb: str, changes: dict[str, Any] | None = None) -> None:
    record_event(
        actor=request.user, action=f"{obj._meta.model_name}.{verb}", obj=obj, changes=changes, comment="Django admin"
    )
