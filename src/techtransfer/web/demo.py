"""Demo organisations and people. Everything is marked demo: `is_demo` and a `[演示]` name prefix.

Loading is idempotent: organisations are found by their credit code, people by user name.
Later capabilities (achievements, needs, market) add their demo records from the real data shipped
in the repository; `demo_workflows` adds a few records part-way through their workflows.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from techtransfer.core import services, uscc
from techtransfer.core.choices import OrganisationStatus, OrganisationType, Role
from techtransfer.core.models import Membership, Organisation, User
from techtransfer.core.regions_loader import load_regions

DEMO_PASSWORD = "demo-techtransfer-2026"
PREFIX = "[演示] "


@dataclass(frozen=True)
class DemoOrg:
    key: str
    name: str
    name_en: str
    type: str
    region: str
    category: str  # GB 32100 registration authority + category characters
    verified: bool
    description: str


ORGS = [
    DemoOrg("gov-jx", "江西省科学技术厅", "Department of Science and Technology of Jiangxi Province", OrganisationType.GOVERNMENT, "360000", "11", True,
            "省级科技主管部门：成果登记审核、技术合同认定登记、科技成果目录发布。"),
    DemoOrg("gov-nc", "南昌市科学技术局", "Nanchang Municipal Science and Technology Bureau", OrganisationType.GOVERNMENT, "360100", "11", True,
            "市级科技主管部门，负责本市及所辖县区的审核工作。"),
    DemoOrg("gov-ncx", "南昌县科学技术局", "Nanchang County Science and Technology Bureau", OrganisationType.GOVERNMENT, "360121", "11", True,
            "县级科技主管部门。"),
    DemoOrg("gov-gz", "赣州市科学技术局", "Ganzhou Municipal Science and Technology Bureau", OrganisationType.GOVERNMENT, "360700", "11", True,
            "市级科技主管部门。"),
    DemoOrg("univ", "南昌示范大学", "Nanchang Demo University", OrganisationType.UNIVERSITY, "360102", "12", True,
            "综合性大学，学科覆盖理、工、农、医、文、管，设有技术转移中心，负责职务科技成果披露、评估与转化，"
            "可提供技术转让、许可、作价投资与合作开发。"),
    DemoOrg("inst", "江西示范新材料研究院", "Jiangxi Demo Institute of New Materials", OrganisationType.RESEARCH_INSTITUTE, "360111", "12", True,
            "从事稀土功能材料、锂电材料研究的新型研发机构：稀土永磁、发光、催化与储氢材料，锂离子电池正负极材料与"
            "电解液，锂云母提锂和冶炼固废资源化利用；提供中试验证、材料检测分析与技术转让、许可及合作开发。"),
    DemoOrg("ent", "赣州示范稀土科技有限公司", "Ganzhou Demo Rare Earth Technology Co., Ltd.", OrganisationType.ENTERPRISE, "360702", "91", True,
            "赣州稀土企业，从事离子型稀土矿的开采、分离与冶炼，生产钕铁硼永磁材料、稀土发光材料（荧光粉）和稀土催化"
            "材料，开展稀土元素分析检测与稀土配合物研究；面向高校和院所发布技术需求与难题，寻求稀土功能材料、冶炼分离"
            "与资源综合利用技术。"),
    DemoOrg("ent-new", "南昌县示范智能装备有限公司", "Nanchang County Demo Intelligent Equipment Co., Ltd.", OrganisationType.ENTERPRISE, "360121", "91", False,
            "新注册企业，等待县科技局核验；生产工业机器人、自动化生产线与智能检测设备，需要机器视觉、伺服控制与故障"
            "诊断技术。"),
    DemoOrg("agency", "江西示范技术转移服务中心", "Jiangxi Demo Technology Transfer Service Centre", OrganisationType.SERVICE_AGENCY, "360103", "52", True,
            "技术转移示范机构，提供技术经纪、评估与对接服务。"),
    DemoOrg("bank", "示范科技银行南昌分行", "Demo Science and Technology Bank, Nanchang Branch", OrganisationType.FINANCIAL, "360102", "91", True,
            "提供知识产权质押融资与“科贷通”产品。"),
    DemoOrg("hospital", "江西示范医院", "Jiangxi Demo Hospital", OrganisationType.HOSPITAL, "360104", "12", True,
            "三级医院，参与医疗机构协同研究网络，开展口腔、肿瘤、心血管等临床研究，寻求医疗器械、诊断试剂与药物的"
            "成果转化合作。"),
]  # fmt: skip


@dataclass(frozen=True)
class DemoPerson:
    username: str
    display_name: str
    org: str
    role: str


PEOPLE = [
    DemoPerson("gov_province", "省厅审核员 李", "gov-jx", Role.GOV_REVIEWER),
    DemoPerson("gov_official", "省厅官员 王", "gov-jx", Role.GOV_OFFICIAL),
    DemoPerson("gov_city", "市局审核员 张", "gov-nc", Role.GOV_REVIEWER),
    DemoPerson("gov_county", "县局审核员 刘", "gov-ncx", Role.GOV_REVIEWER),
    DemoPerson("gov_ganzhou", "赣州审核员 陈", "gov-gz", Role.GOV_REVIEWER),
    DemoPerson("univ_admin", "技术转移中心 赵", "univ", Role.ORG_ADMIN),
    DemoPerson("univ_researcher", "研究员 孙", "univ", Role.MEMBER),
    DemoPerson("inst_admin", "研究院 周", "inst", Role.ORG_ADMIN),
    DemoPerson("ent_admin", "企业 吴", "ent", Role.ORG_ADMIN),
    DemoPerson("ent_new_admin", "新企业 郑", "ent-new", Role.ORG_ADMIN),
    DemoPerson("agency_broker", "技术经纪人 冯", "agency", Role.BROKER),
    DemoPerson("agency_admin", "服务中心 何", "agency", Role.ORG_ADMIN),
    DemoPerson("bank_admin", "银行 许", "bank", Role.ORG_ADMIN),
    DemoPerson("hospital_admin", "医院 曹", "hospital", Role.ORG_ADMIN),
]


def demo_uscc(org: DemoOrg) -> str:
    """A syntactically valid, made-up credit code: category + region + hashed organisation code."""
    digest = hashlib.sha256(org.key.encode()).hexdigest()
    body = "".join(uscc.ALPHABET[int(digest[i : i + 2], 16) % 31] for i in range(0, 18, 2))
    return uscc.make(org.category + org.region + body)


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create the demo organisations and people (idempotent). Returns counts of what was created."""
    load_regions()
    created = {"organisations": 0, "people": 0}
    staff, made = User.objects.get_or_create(
        username="platform_admin",
        defaults={
            "display_name": "平台管理员",
            "is_staff": True,
            "is_superuser": True,
            "is_demo": True,
            "email": "admin@demo.invalid",
        },
    )
    if made:
        staff.set_password(DEMO_PASSWORD)
        staff.save(update_fields=["password"])
        created["people"] += 1
    orgs: dict[str, Organisation] = {}
    admins = {p.org: p for p in PEOPLE if p.role == Role.ORG_ADMIN or p.org.startswith("gov-")}
    for spec in ORGS:
        code = demo_uscc(spec)
        org = Organisation.objects.filter(uscc=code).first()
        if org is None:
            first = admins[spec.key]
            org, user = services.register_organisation(
                name=PREFIX + spec.name,
                name_en=spec.name_en,
                type=spec.type,
                uscc_code=code,
                region_code=spec.region,
                description=spec.description,
                admin_username=first.username,
                admin_email=f"{first.username}@demo.invalid",
                admin_password=DEMO_PASSWORD,
                admin_display_name=first.display_name,
                is_demo=True,
            )
            if first.role != Role.ORG_ADMIN:
                Membership.objects.filter(user=user, organisation=org).update(role=first.role)
            created["organisations"] += 1
            created["people"] += 1
            if spec.verified and org.status == OrganisationStatus.REGISTERED:
                services.verify_organisation(actor=staff, organisation_id=org.pk, comment="演示数据 demo data")
        orgs[spec.key] = org
    for person in PEOPLE:
        user, made = User.objects.get_or_create(
            username=person.username,
            defaults={"display_name": person.display_name, "email": f"{person.username}@demo.invalid", "is_demo": True},
        )
        if made:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created["people"] += 1
        Membership.objects.get_or_create(user=user, organisation=orgs[person.org], defaults={"role": person.role})
    return created


# The demo organisations that hold achievements, and who imports them (their org admins).
ACHIEVEMENT_HOLDERS = ("univ", "inst", "ent", "hospital")


def load_demo_records(*, limit: int | None = None) -> int:
    """Load the demo achievements (real CSL / FewCLUE paper metadata) into the demo organisations,
    through the importer, and publish them. Idempotent. Also sets Jiangxi's review route to
    city → province so that the demo shows a two-level review."""
    from techtransfer.achievements.demo import load_demo_achievements

    load_demo()
    ensure_demo_route()
    specs = {spec.key: spec for spec in ORGS}
    admins = {p.org: p.username for p in PEOPLE if p.role == Role.ORG_ADMIN}
    orgs = {
        key: Organisation.objects.select_related("region").get(uscc=demo_uscc(specs[key]))
        for key in ACHIEVEMENT_HOLDERS
    }
    key_of = {org.pk: key for key, org in orgs.items()}

    def actor_for(org: Organisation) -> User:
        return User.objects.get(username=admins[key_of[org.pk]])

    created = load_demo_achievements(organisations=list(orgs.values()), actor_for=actor_for, limit=limit)
    load_demo_catalogue()
    return created


def ensure_demo_route() -> None:
    """Jiangxi's review route in the demo: city, then province (kept as it is if someone changed it)."""
    from techtransfer.achievements.models import ReviewRoute

    ReviewRoute.objects.get_or_create(region_id="360000", defaults={"levels": ["city", "province"]})


DEMO_CATALOGUE_SUBJECT = "先进适用科技成果目录 · 新材料"


def demo_catalogue_title(year: int) -> str:
    """The demo catalogue's title in the year it is loaded: "[演示] 2027 先进适用科技成果目录 · 新材料"."""
    return f"[演示] {year} {DEMO_CATALOGUE_SUBJECT}"


def load_demo_catalogue() -> None:
    """A published catalogue of new-materials records, compiled by the demo province department, of
    the year the demo is loaded (it was 2026 whatever the year). Loaded once: not again in a later year."""
    from techtransfer.achievements import catalogues
    from techtransfer.achievements.models import Catalogue

    if Catalogue.objects.filter(title__startswith="[演示] ", title__endswith=f" {DEMO_CATALOGUE_SUBJECT}").exists():
        return
    official = User.objects.get(username="gov_official")
    department = Organisation.objects.get(uscc=demo_uscc(next(o for o in ORGS if o.key == "gov-jx")))
    year = timezone.localdate().year
    catalogue = catalogues.create_catalogue(
        actor=official,
        owner_id=department.pk,
        data={"title": demo_catalogue_title(year), "year": year, "kind": Catalogue.Kind.ADVANCED_APPLICABLE,
              "description": "演示目录：新材料领域已登记发布的科技成果。"},
    )  # fmt: skip
    ids = catalogues.matching_ids(catalogues.CatalogueCriteria(plan_industry="new_materials"))[:40]
    for pk in ids:
        catalogues.add_entry(actor=official, catalogue_id=catalogue.pk, achievement_id=pk)
    if ids:
        catalogues.publish_catalogue(actor=official, catalogue_id=catalogue.pk)


def accounts_table() -> list[tuple[str, str, str]]:
    rows = [("platform_admin", "平台管理员 / platform admin", "—")]
    names = {o.key: o.name for o in ORGS}
    rows += [(p.username, str(Role(p.role).label), names[p.org]) for p in PEOPLE]
    return rows


def load_demo_need_records(*, limit: int | None = None) -> int:
    """Demo technology needs (real problem statements, see needs/demo_data) posted by the demo rare-earth
    enterprise in Ganzhou and published by the Ganzhou reviewer. Loads the demo organisations first."""
    from techtransfer.needs.demo import load_demo_challenges, load_demo_needs

    load_demo()
    specs = {o.key: o for o in ORGS}
    enterprise = Organisation.objects.select_related("region").get(uscc=demo_uscc(specs["ent"]))
    seeker = User.objects.get(username="ent_admin")
    created = load_demo_needs(
        organisation=enterprise, actor=seeker, reviewer=User.objects.get(username="gov_ganzhou"), limit=limit
    )
    # Three of them run as challenges with a university researcher and the institute's admin on the
    # panel: the challenges list, the experts a need is matched with, and scoring have something to show.
    load_demo_challenges(seeker=seeker, experts=["univ_researcher", "inst_admin"])
    return created


def load_demo_market_records(*, per_seller: int = 12) -> dict[str, int]:
    """Demo listings of the university's and the institute's published achievements, deals opened by the
    Ganzhou enterprise and the hospital (two brokered by the agency's broker), and one running auction;
    reviewed by the province reviewer."""
    from techtransfer.market.demo import DemoParty, load_demo_market

    load_demo()
    specs = {o.key: o for o in ORGS}
    admins = {p.org: p.username for p in PEOPLE if p.role == Role.ORG_ADMIN}

    def side(key: str) -> tuple[Organisation, User]:
        return Organisation.objects.get(uscc=demo_uscc(specs[key])), User.objects.get(username=admins[key])

    return load_demo_market(
        sellers=[DemoParty(*side(key)) for key in ("univ", "inst")],
        buyers=[DemoParty(*side(key)) for key in ("ent", "hospital")],
        reviewer=User.objects.get(username="gov_province"),
        per_seller=per_seller,
        broker=User.objects.get(username="agency_broker"),
    )
