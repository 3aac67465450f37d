"""Who sees and acts on contracts and their statistics. "Forbidden" looks like "not found".

- Members of the seller organisation: its contracts in every state.
- Members of an organisation that is a party (buyer or intermediary), once the contract is submitted:
  the buyer organisation of the linked market deal, an organisation linked to a party row, and a
  *verified* organisation whose credit code a party row carries. Only verified organisations match by
  credit code: anyone may register an organisation that claims a code, and verification is where the
  platform checks the claim; otherwise claiming a company's code would open its contracts. The match is
  made when reading, so contracts registered before an organisation joined or was verified count too.
- Government reviewers and officials: contracts whose seller region or buyer region (absorption) lies
  in their jurisdiction, at any level (province, city, county), once submitted: the list, the page,
  the signed file and the API apply this one rule. (Statistics and their export count the registered
  contracts of either side: output and absorption.)
- Registration officials (government reviewers of the seller's region) register, refuse, amend and
  cancel; officials of the buyer's region only read. Platform admins: everything.
- Statistics: government reviewers and officials for their jurisdiction, platform admins for all;
  the public sees totals only.
"""

from __future__ import annotations

from typing import Literal

from django.db.models import Exists, OuterRef, Q, QuerySet

from techtransfer.contracts.choices import ContractStatus
from techtransfer.contracts.models import Contract, ContractParty
from techtransfer.contracts.services import EDITABLE_STATES, may_register
from techtransfer.core.choices import GOVERNMENT_ROLES, OrganisationStatus
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.jurisdiction import government_regions, jurisdiction_q, may_act_on_region
from techtransfer.core.models import Membership, Organisation, Region, User
from techtransfer.core.roles import is_member

ContractAction = Literal["view", "edit", "register"]
S = ContractStatus


def _org_ids(user: User) -> list[int]:
    return list(Membership.objects.filter(user=user, is_active=True).values_list("organisation_id", flat=True))


def _party_q(org_ids: list[int]) -> Q:
    """Contracts of which one of `org_ids` is a party other than the registering seller (see the
    module docstring for the rule)."""
    codes = list(
        Organisation.objects.filter(pk__in=org_ids, status=OrganisationStatus.VERIFIED)
        .exclude(uscc="")
        .values_list("uscc", flat=True)
    )
    party = ContractParty.objects.filter(contract=OuterRef("pk"))
    q = Q(Exists(party.filter(organisation_id__in=org_ids))) | Q(deal__buyer_id__in=org_ids)
    if codes:
        q |= Q(Exists(party.filter(uscc__in=codes)))
    return q


def contracts_visible_to(user: User) -> QuerySet[Contract]:
    qs = Contract.objects.select_related(
        "organisation", "seller_region", "buyer_region", "registration_point", "achievement", "deal"
    )
    if not user.is_authenticated:
        return qs.none()
    if user.is_platform_admin:
        return qs
    q = Q(pk__in=[])
    org_ids = _org_ids(user)
    if org_ids:
        q |= Q(organisation_id__in=org_ids)
        q |= _party_q(org_ids) & ~Q(status=S.DRAFT)
    regions = jurisdiction_q(user, "seller_region", roles=GOVERNMENT_ROLES)
    regions |= jurisdiction_q(user, "buyer_region", roles=GOVERNMENT_ROLES)
    q |= regions & ~Q(status=S.DRAFT)
    return qs.filter(q)


def openable_contract_ids(user: User, contract_ids: list[int]) -> set[int]:
    """Which of `contract_ids` `user` may open (`contracts_visible_to`): one query for any number of
    contracts (a page that lists contracts others registered, such as an achievement's, links only
    these), none when there are none or for an anonymous visitor."""
    if not contract_ids or not user.is_authenticated:
        return set()
    return set(contracts_visible_to(user).filter(pk__in=contract_ids).values_list("pk", flat=True))


def _in_jurisdiction(user: User, c: Contract) -> bool:
    """Does the seller's or the buyer's region of `c` lie in a government jurisdiction of `user`? The
    same rule as `contracts_visible_to`'s, for one contract."""
    return any(
        code is not None and may_act_on_region(user, code, roles=GOVERNMENT_ROLES)
        for code in (c.seller_region_id, c.buyer_region_id)
    )


def can_on_contract(user: User, c: Contract, action: ContractAction) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_platform_admin:
        return True
    if action == "view":
        if is_member(user, c.organisation_id):
            return True
        if c.status == S.DRAFT:
            return False
        if _in_jurisdiction(user, c):
            return True
        org_ids = _org_ids(user)
        return bool(org_ids) and Contract.objects.filter(_party_q(org_ids), pk=c.pk).exists()
    if action == "edit":
        return c.status in EDITABLE_STATES and is_member(user, c.organisation_id)
    if action == "register":
        return may_register(user, c)
    return False


def get_contract_for_user(user: User, pk: int, *, action: ContractAction = "view") -> Contract:
    c = (
        Contract.objects.select_related(
            "organisation", "seller_region", "buyer_region", "registration_point", "achievement", "decided_by"
        )
        .filter(pk=pk)
        .first()
    )
    if c is None or not can_on_contract(user, c, "view") or not can_on_contract(user, c, action):
        raise DomainError(Errors.NOT_FOUND)
    return c


def statistics_regions(user: User) -> list[Region] | None:
    """The regions whose statistics `user` may read: None means everything (platform admins), an
    empty list nothing."""
    if not user.is_authenticated:
        return []
    if user.is_platform_admin:
        return None
    return government_regions(user, frozenset(str(r) for r in GOVERNMENT_ROLES))


def own_statistics_prefix(user: User) -> str:
    """The scope `user`'s statistics open on: their widest jurisdiction's code prefix; "" (every
    region) for platform admins, and for someone who may read none (`may_see_region_statistics`
    then refuses it)."""
    regions = statistics_regions(user)
    return "" if regions is None else min((r.prefix for r in regions), key=len, default="")


def may_see_statistics(user: User) -> bool:
    regions = statistics_regions(user)
    return regions is None or bool(regions)


def may_see_region_statistics(user: User, prefix: str) -> bool:
    """May `user` read the statistics of the region with this code prefix ("" = all of China)?"""
    regions = statistics_regions(user)
    if regions is None:
        return True
    return bool(prefix) and any(prefix.startswith(r.prefix) for r in regions)


def subsidy_province(prefix: str) -> str:
    """The province whose subsidy rule a statistics scope reads (Jiangxi for the national scope)."""
    return (prefix or "36")[:2]


def may_see_subsidies(user: User, province: str | None = None) -> bool:
    """Subsidies are granted per province, so their overview is for those who read a whole province's
    statistics: platform admins and the province departments' reviewers and officials. `province`
    (2 digits) asks about one province; None about any (the workspace link)."""
    regions = statistics_regions(user)
    if regions is None:
        return True
    if province is not None:
        return may_see_region_statistics(user, province)
    return any(len(r.prefix) <= 2 for r in regions)
