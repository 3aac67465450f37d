from django.contrib import admin

from techtransfer.achievements.models import Achievement, RegistrationCounter, ReviewRoute
from techtransfer.audit.admin_mixins import AuditedAdminMixin


@admin.register(ReviewRoute)
class ReviewRouteAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Platform staff configure which levels review each region's records (county → city → province)."""

    list_display = ("region", "levels", "body_code")
    raw_id_fields = ("region",)


@admin.register(Achievement)
class AchievementAdmin(admin.ModelAdmin):
    """Read-only: records change only through the registry workflow."""

    list_display = ("name", "organisation", "status", "registration_number", "published_at", "is_demo")
    list_filter = ("status", "kind", "plan_industry", "is_demo")
    search_fields = ("name", "registration_number")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(RegistrationCounter)
class RegistrationCounterAdmin(admin.ModelAdmin):
    list_display = ("body_code", "year", "type_digit", "last_serial")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
