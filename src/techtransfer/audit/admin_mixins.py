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
            record_event(
                actor=request.user,
                action=f"{obj._meta.model_name}.{'admin_update' if change else 'admin_create'}",
                obj=obj,
                changes=changes,
                comment="Django admin",
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            record_event(
                actor=request.user, action=f"{obj._meta.model_name}.admin_delete", obj=obj, comment="Django admin"
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                record_event(
                    actor=request.user, action=f"{obj._meta.model_name}.admin_delete", obj=obj, comment="Django admin"
                )
            super().delete_queryset(request, queryset)
