"""Demo contracts between the demo organisations of `techtransfer.web.demo`, all marked demo.

`load_demo_contracts()` creates about forty contracts through the real services (draft → signed PDF
→ submit → register or refuse), spread over the months of the current year so that the statistics
pages show trends, flows between regions and subsidies. Names carry the `[演示]` prefix and
`is_demo` is set. Idempotent: nothing happens when demo contracts exist.
"""

from __future__ import annotations

import datetime
import io
import random
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from techtransfer.contracts import services
from techtransfer.contracts.choices import (
    CHECKLIST_KEYS,
    SUBTYPES,
    ContractType,
    TechField,
    contract_type_for_listing_mode,
    ip_type_for,
)
from techtransfer.contracts.models import Contract
from techtransfer.core import uscc
from techtransfer.core.models import Organisation, User
from techtransfer.market.choices import DealStatus
from techtransfer.market.models import Deal
from techtransfer.web.demo import ORGS, PEOPLE, PREFIX, demo_uscc, load_demo

SELLERS = ("univ", "inst", "ent", "hospital")
LOCAL_BUYERS = ("ent", "ent-new", "inst", "hospital", "univ")
# Buyers outside the platform (made-up, valid credit codes), to show absorption outside Jiangxi.
EXTERNAL_BUYERS = (
    ("[演示] 深圳示范电子有限公司", "440305", "91440300"),
    ("[演示] 杭州示范新能源有限公司", "330106", "91330100"),
    ("[演示] 长沙示范农业科技有限公司", "430104", "91430100"),
    ("[演示] 北京示范医疗器械有限公司", "110108", "91110000"),
)
TYPE_NAMES = {
    ContractType.DEVELOPMENT: "技术开发",
    ContractType.TRANSFER: "技术转让",
    ContractType.LICENSING: "技术许可",
    ContractType.CONSULTING: "技术咨询",
    ContractType.SERVICE: "技术服务",
}
# The action plan's industries (a listing's industry) → the statistics' technical fields.
_TECH_FIELDS = {
    "aviation": TechField.AEROSPACE,
    "ssl": TechField.ELECTRONIC_INFORMATION,
    "biomed": TechField.BIOMEDICINE,
    "ngit": TechField.ELECTRONIC_INFORMATION,
    "new_materials": TechField.NEW_MATERIALS,
    "new_energy": TechField.NEW_ENERGY,
    "green": TechField.ENVIRONMENT,
}
CHECKLIST = dict.fromkeys(CHECKLIST_KEYS, True)
SUBJECTS = {
    TechField.NEW_MATERIALS: "稀土永磁材料晶界扩散工艺",
    TechField.ELECTRONIC_INFORMATION: "工业视觉缺陷检测软件",
    TechField.ADVANCED_MANUFACTURING: "数控机床热误差补偿技术",
    TechField.AGRICULTURE: "赣南脐橙黄龙病快速检测方法",
    TechField.BIOMEDICINE: "中药配方颗粒质量控制方法",
    TechField.NEW_ENERGY: "锂电池正极材料回收工艺",
    TechField.ENVIRONMENT: "稀土尾矿废水处理技术",
    TechField.URBAN_SOCIAL: "城市排水管网智能监测系统",
}


def _pdf(title: str) -> SimpleUploadedFile:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    c.drawString(72, 760, "Demo technology contract (signed copy placeholder)")
    c.drawString(72, 740, title.encode("ascii", "ignore").decode() or "demo")
    c.showPage()
    c.save()
    return SimpleUploadedFile("contract.pdf", buffer.getvalue(), content_type="application/pdf")


def _org(key: str) -> Organisation:
    spec = next(o for o in ORGS if o.key == key)
    return Organisation.objects.select_related("region").get(uscc=demo_uscc(spec))


def _admin(key: str) -> User:
    name = next(p.username for p in PEOPLE if p.org == key and p.role == "org_admin")
    return User.objects.get(username=name)


def _party(org: Organisation) -> dict[str, Any]:
    """A demo organisation as a party; its nature follows its credit code (a 12… university is a public
    institution, not an enterprise)."""
    return {
        "name": org.name,
        "uscc": org.uscc,
        "region_id": org.region_id,
        "organisation_id": org.pk,
        "nature": services.party_nature(org.uscc, org),
    }


def load_demo_contracts(count: int = 40) -> int:
    """Create `count` demo contracts (most registered, a few waiting or refused), then register a contract
    for each agreed demo market deal that has none. Returns how many contracts were created."""
    load_demo()
    created = 0 if Contract.objects.filter(is_demo=True, deal__isnull=True).exists() else _load_contracts(count)
    return created + _contracts_for_demo_deals()


def _contracts_for_demo_deals() -> int:
    """The last link of the demo path: agreed deals on demo listings become registered contracts."""
    registrar = User.objects.get(username="gov_province")
    sellers = {_org(key).pk: _admin(key) for key in SELLERS}
    deals = (
        Deal.objects.filter(status=DealStatus.AGREED, listing__achievement__is_demo=True, contracts__isnull=True)
        .select_related("listing", "buyer")
        .order_by("pk")
    )
    created = 0
    for deal in deals:
        actor = sellers.get(deal.listing.organisation_id)
        if actor is None:
            continue
        ctype, subtype = contract_type_for_listing_mode(deal.listing.mode)
        signed = timezone.localdate() - datetime.timedelta(days=7 + deal.pk % 20)
        title = f"{PREFIX}{deal.listing.title[:60]}{TYPE_NAMES[ctype]}合同"
        data: dict[str, Any] = {
            "name": title,
            "contract_type": ctype,
            "subtype": (subtype := subtype or ("patent" if ctype == ContractType.TRANSFER else "")),
            "tech_field": _TECH_FIELDS.get(deal.listing.industry, TechField.ADVANCED_MANUFACTURING),
            "ip_type": ip_type_for(ctype, subtype),
            "signed_on": signed,
            "term_start": signed,
            "term_end": signed + datetime.timedelta(days=730),
            "contract_amount": deal.amount * 10000,
            "non_technical_costs": Decimal(0),
            "carrier_costs": Decimal(0),
            "deal_id": deal.pk,
            "summary": "演示数据：由技术市场成交生成的合同，内容为虚构。Demo data: made up, from a market deal.",
        }
        contract = services.create_contract(
            actor=actor,
            organisation_id=deal.listing.organisation_id,
            data=data,
            parties={"buyer": _party(deal.buyer)},
            is_demo=True,
        )
        services.attach_signed_contract(actor=actor, contract_id=contract.pk, upload=_pdf(title))
        services.submit_contract(actor=actor, contract_id=contract.pk)
        services.register_contract(actor=registrar, contract_id=contract.pk, checklist=CHECKLIST, comment="演示")
        created += 1
    return created


def _load_contracts(count: int) -> int:
    rng = random.Random(2026)
    registrar = User.objects.get(username="gov_province")
    today = timezone.localdate()
    months = list(range(1, today.month + 1))
    created = 0
    for i in range(count):
        seller_key = SELLERS[i % len(SELLERS)]
        seller = _org(seller_key)
        actor = _admin(seller_key)
        if i % 5 == 4:
            name, region, prefix = EXTERNAL_BUYERS[(i // 5) % len(EXTERNAL_BUYERS)]
            body = f"{i:09d}"
            buyer = {"name": name, "uscc": uscc.make(prefix + body), "region_id": region}
        else:
            key = next(k for k in LOCAL_BUYERS[i % 3 :] + LOCAL_BUYERS if k != seller_key)
            buyer = _party(_org(key))
        parties: dict[str, Any] = {"buyer": buyer}
        if i % 7 == 0:
            parties["intermediary"] = _party(_org("agency"))
        if i == 13:  # one related-party case for the officials' queue
            parties["seller"] = {"legal_representative": "王示范"}
            buyer["legal_representative"] = "王示范"
        ctype = rng.choice(list(ContractType))
        subtype = SUBTYPES.get(ctype, ("",))[rng.randrange(len(SUBTYPES.get(ctype, ("",))))]
        field = rng.choice(list(SUBJECTS))
        amount = Decimal(rng.randrange(50, 3000) * 1000)
        non_tech = (amount * Decimal(rng.choice([0, 0, 5, 10, 20])) / 100).quantize(Decimal("0.01"))
        month = months[i * len(months) // count]
        signed = min(datetime.date(today.year, month, min(1 + i % 27, 28)), today)  # never in the future
        title = f"{PREFIX}{SUBJECTS[field]}{TYPE_NAMES[ctype]}合同"
        data: dict[str, Any] = {
            "name": title,
            "contract_type": ctype,
            "subtype": subtype,
            "tech_field": field,
            "ip_type": ip_type_for(ctype, subtype),
            "signed_on": signed,
            "term_start": signed,
            "term_end": signed + datetime.timedelta(days=365 * rng.randint(1, 3)),
            "contract_amount": amount,
            "non_technical_costs": non_tech,
            "carrier_costs": Decimal(0),
            "summary": "演示数据：合同内容为虚构。Demo data: the contract is made up.",
        }
        contract = services.create_contract(
            actor=actor, organisation_id=seller.pk, data=data, parties=parties, is_demo=True
        )
        services.attach_signed_contract(actor=actor, contract_id=contract.pk, upload=_pdf(title))
        services.submit_contract(actor=actor, contract_id=contract.pk)
        created += 1
        if i in (count - 1, count - 2, 13):
            continue  # left waiting for registration
        if i == count - 3:
            services.refuse_contract(
                actor=registrar, contract_id=contract.pk, reason="演示：标的主要为设备买卖，不属于技术合同。"
            )
            continue
        services.register_contract(actor=registrar, contract_id=contract.pk, checklist=CHECKLIST, comment="演示")
        registered_at = timezone.make_aware(datetime.datetime(today.year, month, min(signed.day + 3, 28), 10, 0))
        Contract.objects.filter(pk=contract.pk).update(registered_at=min(registered_at, timezone.now()))
    return created
