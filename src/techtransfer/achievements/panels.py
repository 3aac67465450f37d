"""Panels that later apps add to an achievement's page, without achievements importing them.

The market registers the listings and deals of a record, contracts its registered contracts: the
achievement → listing → deal → contract path on one page. A panel is a function of
(request, achievement) returning (template name, context) or None when it has nothing to show.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from techtransfer.achievements.models import Achievement

Panel = Callable[[HttpRequest, Achievement], tuple[str, dict[str, Any]] | None]

_PANELS: list[Panel] = []


def register(panel: Panel) -> Panel:
    if panel not in _PANELS:
        _PANELS.append(panel)
    return panel


def render_all(request: HttpRequest, achievement: Achievement) -> list[str]:
    """The HTML of every panel that has something to show, in registration order."""
    rendered: list[str] = []
    for panel in _PANELS:
        result = panel(request, achievement)
        if result is not None:
            template, context = result
            rendered.append(render_to_string(template, context, request=request))
    return rendered
