"""Which visibility tokens a user holds. Every query is filtered by them inside the engine.

Only public documents are indexed so far (see the apps' search.py), so everyone, signed in or not,
holds exactly {"public"}. When members' or reviewers' records get indexed, their documents carry
tokens such as "org:<id>" or "region:<prefix>" and this function grants them.
"""

from __future__ import annotations

from typing import Any

from techtransfer.search.registry import PUBLIC


def visibility_for(user: Any) -> frozenset[str]:
    return frozenset({PUBLIC})
