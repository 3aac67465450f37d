from django.contrib import admin

from techtransfer.needs.models import Challenge, Need


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "organisation", "region", "status", "is_demo", "published_at")
    list_filter = ("status", "is_demo", "industry")
    search_fields = ("title",)
    readonly_fields = ("status", "published_at")


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    # Proposals are deliberately not exposed in the admin: they are private to seeker and experts.
    list_display = ("need", "bounty", "deadline", "status")
    readonly_fields = ("status", "announced_at")
