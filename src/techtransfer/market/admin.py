from django.contrib import admin

from techtransfer.market.models import AuctionSession, Deal, Listing


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: market records change only through `market.services`."""

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Listing)
class ListingAdmin(ReadOnlyAdmin):
    list_display = ("title", "organisation", "mode", "status", "listed_until")
    list_filter = ("status", "mode")
    search_fields = ("title", "patent_numbers")


@admin.register(Deal)
class DealAdmin(ReadOnlyAdmin):
    list_display = ("listing", "buyer", "amount", "status", "source")
    list_filter = ("status", "source")


@admin.register(AuctionSession)
class AuctionSessionAdmin(ReadOnlyAdmin):
    list_display = ("listing", "starts_at", "ends_at", "status", "best_amount")
    list_filter = ("status",)
