"""The market's panel on an achievement's page: its listings and deals."""

from typing import Any

from django.http import HttpRequest

from techtransfer.achievements.access import is_insider
from techtransfer.achievements.models import Achievement
from techtransfer.achievements.panels import register
from techtransfer.market.access import may_list_achievement
from techtransfer.market.selectors import deals_for_achievement, is_listed, listings_for_achievement


@register
def market_panel(request: HttpRequest, achievement: Achievement) -> tuple[str, dict[str, Any]] | None:
    user = request.user if request.user.is_authenticated else None
    listings = list(listings_for_achievement(achievement.pk, user=user))  # type: ignore[arg-type]
    # Deal parties and amounts are business information: only the record's insiders see them.
    deals = list(deals_for_achievement(achievement.pk)) if listings and is_insider(request.user, achievement) else []  # type: ignore[arg-type]
    if achievement.status != Achievement.Status.PUBLISHED and not listings:
        return None
    # "Put on the market" for whoever may list it (its organisation's admins: `listable_achievements`,
    # the rule of the form and the service) while it is published and not listed: the listing form's
    # select offers only the newest 500 published records, this opens it with this one.
    may_list = (
        user is not None
        and achievement.status == Achievement.Status.PUBLISHED
        and not is_listed(achievement.pk)
        and may_list_achievement(user, achievement.pk)
    )
    context = {"market_listings": listings, "market_deals": deals, "may_list": may_list, "achievement": achievement}
    return "market/_achievement_market.html", context
