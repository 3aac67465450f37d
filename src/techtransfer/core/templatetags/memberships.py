"""Template questions about the signed-in person's organisations, for pages whose view does not
say (an offer to contact a record's owner is for people of another organisation)."""

from __future__ import annotations

from django import template

from techtransfer.core.models import User
from techtransfer.core.roles import is_member

register = template.Library()


@register.filter
def member_of(user: User, organisation_id: int) -> bool:
    """Is `user` an active member of the organisation (cached per user, see `core.roles`)?"""
    return bool(user.is_authenticated and is_member(user, int(organisation_id)))
