"""Inquiries in the states the matchmaking tests start from."""

from __future__ import annotations

from techtransfer.core.models import Organisation, User
from techtransfer.matchmaking import services
from techtransfer.matchmaking.choices import InquiryStatus
from techtransfer.matchmaking.models import Inquiry
from techtransfer.needs.tests.factories import published_need

# What the status change and the recording of a contract number say of a malformed number (English);
# not "leave it empty if the contract is not registered yet", which the recording, where it is
# required, also said.
CONTRACT_NUMBER_FORMAT = (
    "A technology contract's registration number has 16 digits: the registration point's region code (6), "
    "the year (4) and a serial number (6)."
)


def intention_signed_inquiry(
    *, owner: Organisation, owner_admin: User, reviewer: User, enquirer: User, enquirer_org: Organisation
) -> Inquiry:
    """`enquirer` (of `enquirer_org`) asks about a need of `owner`, published through `reviewer`;
    `owner_admin` moves the inquiry to "intention signed": the contract may be marked signed next."""
    need = published_need(org=owner, author=owner_admin, reviewer=reviewer)
    inquiry = services.start_inquiry(
        actor=enquirer, organisation_id=enquirer_org.pk, subject="关于退磁问题", message="我们有晶界扩散技术",
        need_id=need.pk,
    )  # fmt: skip
    for status in (InquiryStatus.NEGOTIATING, InquiryStatus.INTENTION_SIGNED):
        services.change_status(actor=owner_admin, inquiry_id=inquiry.pk, status=status)
    return inquiry
