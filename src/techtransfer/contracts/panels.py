"""The contracts' panel on an achievement's page: its registered technology contracts.

Only the registration numbers and types are shown; amounts and parties stay behind each contract's
own permission check.
"""

from typing import Any

from django.http import HttpRequest

from techtransfer.achievements.models import Achievement
from techtransfer.achievements.panels import register
from techtransfer.contracts.selectors import registered_contracts_for_achievement


@register
def contracts_panel(request: HttpRequest, achievement: Achievement) -> tuple[str, dict[str, Any]] | None:
    contracts = list(registered_contracts_for_achievement(achievement.pk))
    if not contracts:
        return None
    return "contracts/_achievement_contracts.html", {"achievement_contracts": contracts}
