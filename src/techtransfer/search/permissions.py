"""Which visibility tokens a user holds. Every query is filtered by them inside the engine.

A document carries the tokens of everyone who may see it (see the apps' search.py); a user matches
it when they hold one of them:

- "public": everyone, signed in or not (published, public records).
- "admin": platform admins.
- "org:<id>": active members of organisation <id> (their organisation's drafts and submissions).
- "orgadmin:<id>": organisation admins of <id> (e.g. the expert panel of its challenges).
- "user:<pk>": the account itself (e.g. the author of a need sees its challenge's panel).
- "gov:<prefix>": reviewers and officials of a verified government department whose region has
  this code prefix ("36", "3601", "360121"); a document stores every prefix of its region, so a
  department matches everything inside its jurisdiction.

Tokens depend only on the user's memberships, never on the records, so a membership change needs no
re-indexing. One query per user object (cached on it for the request).
"""

from __future__ import annotations

from typing import Any

from techtransfer.search.registry import PUBLIC, region_prefixes

ADMIN = "admin"
_CACHE = "_search_visibility"


def org_token(org_id: object) -> str:
    return f"org:{org_id}"


def org_admin_token(org_id: object) -> str:
    return f"orgadmin:{org_id}"


def user_token(user_id: object) -> str:
    return f"user:{user_id}"


def gov_token(prefix: str) -> str:
    """The token of the government departments whose region has this code prefix."""
    return f"gov:{prefix}"


def gov_tokens(region_code: str) -> list[str]:
    """The tokens of the government departments whose jurisdiction covers `region_code`."""
    return [gov_token(p) for p in region_prefixes(region_code)]


def reviewed_record_visibility(status: str, organisation_id: object, region_id: str) -> list[str]:
    """The tokens of a record that goes through review (draft → submitted → published): everyone
    once published; before that platform admins and its organisation's members, and, once
    submitted, the government departments whose jurisdiction covers its region."""
    from techtransfer.core.choices import ReviewStatus

    if status == ReviewStatus.PUBLISHED:
        return [PUBLIC]
    tokens = [ADMIN, org_token(organisation_id)]
    if status != ReviewStatus.DRAFT:
        tokens += gov_tokens(region_id)
    return tokens


def visibility_for(user: Any) -> frozenset[str]:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return frozenset({PUBLIC})
    cached: frozenset[str] | None = user.__dict__.get(_CACHE)
    if cached is not None:
        return cached
    from techtransfer.core.choices import GOVERNMENT_ROLES, OrganisationStatus, OrganisationType, Role
    from techtransfer.core.models import Membership

    tokens = {PUBLIC, user_token(user.pk)}
    if getattr(user, "is_platform_admin", False):
        tokens.add(ADMIN)
    gov_roles = {str(r) for r in GOVERNMENT_ROLES}
    for m in Membership.objects.filter(user=user, is_active=True).select_related("organisation__region"):
        tokens.add(org_token(m.organisation_id))
        if m.role == Role.ORG_ADMIN:
            tokens.add(org_admin_token(m.organisation_id))
        org = m.organisation
        if (
            m.role in gov_roles
            and org.type == OrganisationType.GOVERNMENT
            and org.status == OrganisationStatus.VERIFIED
        ):
            tokens.add(gov_token(org.region.prefix))
    result = frozenset(tokens)
    user.__dict__[_CACHE] = result
    return result


def may_see(user: Any, document_visibility: list[str]) -> bool:
    """Does `user` hold one of the tokens of a document (the same rule the engine applies)?"""
    return bool(visibility_for(user) & set(document_visibility))
