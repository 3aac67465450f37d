"""POST (or GET) /search/classify/: suggested discipline and industry for the text typed into an
entry form.

The achievement and need forms ask for it with htmx as the user types (title and abstract), by POST:
a need's description may hold 8,000 characters, too long for an address (414). The
answer is a small fragment of buttons, each filling the form's select when clicked (search/suggest.js).
"""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from techtransfer.search import classifier

# Text parameters: the first present of TITLES is the title, the rest are joined as the body.
TITLES = ("title", "name")
BODIES = ("abstract", "summary", "description", "text")
# Which select each suggestion fills: the form names the element ids (e.g. id_plan_industry).
SELECT_PARAMS = {
    "discipline": "discipline_select",
    "industry": "industry_select",
    "emerging_industry": "emerging_select",
}
_SELECT_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")


def text_from(params: dict[str, str]) -> tuple[str, str]:
    title = next((params[k] for k in TITLES if params.get(k, "").strip()), "")
    body = " ".join(params[k] for k in BODIES if params.get(k, "").strip())
    return title[: classifier.MAX_CHARS], body[: classifier.MAX_CHARS]


@require_http_methods(["GET", "POST"])
@login_required
def classify_suggest(request: HttpRequest) -> HttpResponse:
    selects = {key: SELECT_PARAMS[key] for key in classifier.TARGETS}
    data = request.POST if request.method == "POST" else request.GET
    params = {k: data.get(k, "") for k in (*TITLES, *BODIES, *selects.values())}
    if any(len(params[k]) > 10 * classifier.MAX_CHARS for k in (*TITLES, *BODIES)):
        return HttpResponse(status=413)
    title, body = text_from(params)
    targets = {}
    for key, param in selects.items():
        select = params[param]
        if select and not _SELECT_ID.fullmatch(select):
            return HttpResponse(status=400)
        targets[key] = select
    wanted = [key for key in classifier.TARGETS if targets[key] or not any(targets.values())]
    suggestions, outside = classifier.assess(title, body, targets=wanted)
    # (target, the select it fills, suggestions, probability of none of the values when that comes first)
    groups = [(key, targets[key], suggestions[key], outside.get(key, 0.0)) for key in wanted]
    context = {
        "groups": groups,
        "too_short": classifier.too_short(title, body),
        "typed": bool(title.strip() or body.strip()),
        "chinese": classifier.reads_chinese(title + body),
    }
    return render(request, "search/_classify_suggestions.html", context)
