from django.contrib import admin

from techtransfer.api.models import PersonalAccessToken
from techtransfer.audit.admin_mixins import AuditedAdminMixin


@admin.register(PersonalAccessToken)
class PersonalAccessTokenAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "scope", "created_at", "last_used_at", "revoked_at")
    exclude = ("digest",)
    readonly_fields = ("prefix", "user", "created_at", "last_used_at")
