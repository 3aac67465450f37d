"""Helpers that build contracts through the services (so every test goes the real way)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from techtransfer.contracts import services
from techtransfer.contracts.choices import CHECKLIST_KEYS, ContractType, TechField
from techtransfer.contracts.models import Contract
from techtransfer.core import uscc
from techtransfer.core.models import Organisation, User

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" + b" " * 300
BUYER_USCC = uscc.make("91360700MA0000001")
BUYER2_USCC = uscc.make("91110000MA0000002")


def pdf(name: str = "合同.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def contract_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "稀土永磁材料制备技术转让合同",
        "contract_type": ContractType.TRANSFER,
        "subtype": "patent",
        "tech_field": TechField.NEW_MATERIALS,
        "signed_on": datetime.date(2026, 3, 1),
        "term_start": datetime.date(2026, 3, 1),
        "term_end": datetime.date(2028, 2, 28),
        "contract_amount": Decimal("1000000.00"),
        "non_technical_costs": Decimal("200000.00"),
        "carrier_costs": Decimal("0.00"),
        "carrier_note": "",
    }
    data.update(overrides)
    return data


def buyer(**overrides: Any) -> dict[str, Any]:
    p: dict[str, Any] = {"name": "赣州买方企业", "uscc": BUYER_USCC, "region_id": "360702", "nature": "enterprise"}
    p.update(overrides)
    return p


def draft(org: Organisation, actor: User, *, parties: dict[str, Any] | None = None, **data: Any) -> Contract:
    return services.create_contract(
        actor=actor,
        organisation_id=org.pk,
        data=contract_data(**data),
        parties=parties if parties is not None else {"buyer": buyer()},
    )


def submitted(org: Organisation, actor: User, **kwargs: Any) -> Contract:
    c = draft(org, actor, **kwargs)
    services.attach_signed_contract(actor=actor, contract_id=c.pk, upload=pdf())
    return services.submit_contract(actor=actor, contract_id=c.pk)


FULL_CHECKLIST = dict.fromkeys(CHECKLIST_KEYS, True)


def registered(org: Organisation, actor: User, official: User, **kwargs: Any) -> Contract:
    c = submitted(org, actor, **kwargs)
    return services.register_contract(actor=official, contract_id=c.pk, checklist=FULL_CHECKLIST)


def agreed_deal(
    seller: Organisation, admin: User, buyer: User, buyer_org: Organisation, amount: str, mode: str, **listing: Any
) -> Any:
    """A deal agreed at `amount` (10,000 yuan) on a published listing of `seller` in `mode`, opened by
    `buyer` for `buyer_org` (`listing`: more fields of the listing, e.g. its achievement)."""
    from django.utils import timezone

    from techtransfer.market import services as market
    from techtransfer.market.choices import ListingStatus
    from techtransfer.market.tests.factories import ListingFactory

    fields = {"achievement": None, "patent_numbers": "", **listing}
    offer = ListingFactory(
        organisation=seller, created_by=admin, mode=mode, status=ListingStatus.PUBLISHED, published_at=timezone.now(),
        listed_until=timezone.localdate() + datetime.timedelta(days=30), **fields,
    )  # fmt: skip
    deal = market.open_deal(actor=buyer, listing_id=offer.pk, buyer_id=buyer_org.pk, amount=Decimal(amount))
    return market.agree_deal(actor=admin, deal_id=deal.pk)
