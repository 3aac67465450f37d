from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models

from techtransfer.audit.admin_mixins import AuditedAdminMixin
from techtransfer.core.models import Invitation, Membership, Organisation, Region, User


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    list_display = ("username", "display_name", "email", "is_staff", "is_active", "is_demo")
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("techtransfer", {"fields": ("display_name", "phone", "is_demo")}))


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "type", "uscc", "region", "status", "is_demo")
    list_filter = ("type", "status", "is_demo")
    search_fields = ("name", "uscc")
    raw_id_fields = ("region", "verified_by")
    readonly_fields = ("status", "verified_at", "verified_by")
    inlines = (MembershipInline,)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Invitation)
class InvitationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("email", "organisation", "role", "created_at", "expires_at", "accepted_at", "revoked_at")
    exclude = ("token_hash",)
    raw_id_fields = ("organisation", "invited_by", "accepted_by")
