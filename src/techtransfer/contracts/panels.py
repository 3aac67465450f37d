"""The contracts' panel on an achievement's page: its registered technology contracts.

Every viewer reads each contract's public facts (registration number, type, registration date), as
text. The number links to the contract, and the deal it carries out to the deal, only for a viewer
who may open them (`access.contracts_visible_to`, `market.access.deals_visible_to`): anyone else
would follow the link to a 404. Amounts and parties stay behind each contract's own permission check.
Two queries decide the links of all the contracts of the page, however many there are.
"""

from typing import Any

from django.http import HttpRequest

from techtransfer.achievements.models import Achievement
from techtransfer.achievements.panels import register
from techtransfer.contracts.access import openable_contract_ids
from techtransfer.contracts.selectors import registered_contracts_for_achievement
from techtransfer.core.models import User
from techtransfer.market.access import deals_visible_to


@register
def contracts_panel(request: HttpRequest, achievement: Achievement) -> tuple[str, dict[str, Any]] | None:
    contracts = list(registered_contracts_for_achievement(achievement.pk))
    if not contracts:
        return None
    user: User = request.user  # type: ignore[assignment]
    deal_ids = {c.deal_id for c in contracts if c.deal_id is not None}
    openable_deals = (
        set(deals_visible_to(user).filter(pk__in=deal_ids).values_list("pk", flat=True)) if deal_ids else set()
    )
    context = {
        "achievement_contracts": contracts,
        "openable_contracts": openable_contract_ids(user, [c.pk for c in contracts]),
        "openable_deals": openable_deals,
    }
    return "contracts/_achievement_contracts.html", context
