from django.contrib import admin

from techtransfer.contracts.models import (
    Contract,
    ContractAmendment,
    ContractFlag,
    ContractParty,
    HistoricalTurnover,
    SubsidyRule,
)


class PartyInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ContractParty
    extra = 0
    readonly_fields = ("role", "name", "uscc", "region", "nature", "country")
    can_delete = False


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "registration_number", "status", "organisation", "technology_amount", "registered_at")
    list_filter = ("status", "contract_type", "tech_field", "is_demo")
    search_fields = ("name", "registration_number")
    inlines = (PartyInline,)
    readonly_fields = ("registration_number", "status", "technology_amount", "registered_at", "submitted_at")


@admin.register(SubsidyRule)
class SubsidyRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "province_code", "year_from", "year_to", "is_active")


@admin.register(HistoricalTurnover)
class HistoricalTurnoverAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("region_name", "year", "turnover_10k")
    list_filter = ("region_name",)


admin.site.register(ContractAmendment)
admin.site.register(ContractFlag)
