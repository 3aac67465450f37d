"""Demo records part-way through their workflows, so that every step can be shown without typing.

The other demo loaders leave everything finished (published achievements, needs and listings). This adds
a few records at each step, made by the people who would take each step and through the same services
the pages call (every step audited):

- the university (`univ`, 东湖区 360102): two achievement drafts by the researcher, one submitted by the
  researcher and waiting for the organisation's confirmation, one confirmed by the organisation admin
  and waiting for the city reviewer, one passed on by the city reviewer to the province, one under
  review by the city reviewer and one returned by the city reviewer with a comment. Jiangxi's demo route
  is city → province (`web.demo.ensure_demo_route`) and the university lies in a district without a science
  department, so its records go to 南昌市 (gov_city) first; 南昌县 (gov_county) is not on their route;
- the Ganzhou enterprise (`ent`): a need draft and a need submitted to the reviewers of its region
  (gov_ganzhou, and gov_province, whose jurisdiction holds it);
- the university: a listing draft of one of its published achievements (listings are reviewed too),
  once the demo market is loaded;
- the Ganzhou enterprise's inquiries about a published university achievement, brokered by the service
  agency's broker (agency_broker): one under negotiation, one finished with a signed contract and the
  broker rated by the enterprise (`DEMO_INQUIRIES`; idempotent by subject).

Texts are real: achievements are papers of the demo data files (`achievements/demo_data`), needs are the
first sentence of a paper's abstract (as the problem statements of `needs/demo_data` are). The papers
chosen for achievements are published in the full demo by another organisation (the institute or the
enterprise), so the university's own list holds no twin. Every record is marked `is_demo` and carries
its attribution followed by `WORKFLOW_MARK` in `source`, which is also what makes loading idempotent
(a record whose source exists is not made again, whatever happened to it since).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from techtransfer.achievements import io
from techtransfer.achievements import services as achievement_services
from techtransfer.achievements.choices import AchievementKind, AchievementStatus
from techtransfer.achievements.demo import CSL_SOURCE, Paper, demo_cells, papers
from techtransfer.achievements.models import Achievement
from techtransfer.core.choices import Role
from techtransfer.core.models import Organisation, User
from techtransfer.market import services as market_services
from techtransfer.market.choices import ListingMode, ListingStatus
from techtransfer.market.models import Listing
from techtransfer.matchmaking import services as matchmaking
from techtransfer.matchmaking.choices import InquiryStatus
from techtransfer.matchmaking.models import Inquiry
from techtransfer.needs import services as need_services
from techtransfer.needs.choices import Confidentiality
from techtransfer.needs.demo import need_data
from techtransfer.needs.models import Need
from techtransfer.web.demo import ORGS, PEOPLE, demo_uscc, ensure_demo_route, load_demo

WORKFLOW_MARK = "流程演示 workflow demo"

# Where each demo achievement stops: the steps taken, in order (see `_walk`).
STEPS: dict[str, tuple[str, ...]] = {
    "draft": (),
    "pending_confirmation": ("submit",),
    "submitted": ("submit", "confirm"),
    "passed_on": ("submit", "confirm", "start_review", "approve"),
    "under_review": ("submit", "confirm", "start_review"),
    "returned": ("submit", "confirm", "start_review", "return"),
}


@dataclass(frozen=True)
class DemoStep:
    ref: str  # the paper's id in the demo data files
    stop: str  # a key of STEPS (achievements) or "draft" / "submitted" (needs)
    comment: str = ""  # the reviewer's comment on the last step, if it takes one


UNIVERSITY_ACHIEVEMENTS = (
    DemoStep("csl-dev-0622", "draft"),  # 蓄电池-超级电容混合储能系统控制方法研究
    DemoStep("csl-test-0943", "draft"),  # 一种多功能腐蚀监测无线传感器设计与实现
    DemoStep("csl-dev-0655", "pending_confirmation"),  # 碱性燃料电池用阴离子交换膜的制备与表征
    DemoStep("csl-test-0273", "submitted"),  # 基于故障等值网络的双馈风电机组三相短路电流计算方法研究
    DemoStep("csl-test-0911", "passed_on", "市级初审通过：材料齐全，技术指标有测试数据支撑，报省科技厅复核。"),
    DemoStep("csl-test-0026", "under_review"),  # 基于EKF永磁同步电机无传感直接转矩控制研究
    DemoStep(
        "csl-test-0006",  # 利用核桃壳制备高比表面积活性炭电极材料的研究
        "returned",
        "请补充比表面积、比电容和循环寿命的第三方检测报告，说明放大制备时的工艺条件与成本，"
        "并在成果简介中写明与同类商品活性炭电极材料相比的主要技术指标后重新提交。",
    ),
)
ENTERPRISE_NEEDS = (
    DemoStep("fcdcp-train_few_all-3384", "draft"),  # 砷污染（金属硫化物矿山开采）
    DemoStep("fcdcp-train_few_all-1745", "submitted"),  # 工况变化频繁的焙烧炉焙烧过程
)
LISTING_NOTE = (
    "演示草稿：价格与条件为虚构，尚待技术转移中心核定后提交审核。Demo draft: price and terms are made up, "
    "not yet submitted for review."
)

# (subject, the first message, whether it ends with a signed contract and a rating of the broker)
DEMO_INQUIRIES = (
    ("许可条件咨询（演示）", "我司希望了解该成果的许可方式、费用与技术支持安排。", False),
    ("技术许可已签约（演示）", "双方已就普通许可达成一致，合同正在办理登记。", True),
)
DEMO_RATING = (5, "撮合及时，合同条款解释清楚。")

# "." ends a sentence only after a non-Latin letter and not before a digit (as in achievements.demo).
_SENTENCE = re.compile(r"^.+?(?:[。．；;！？!?]|(?<![A-Za-z])\.(?!\d))")


def first_sentence(text: str) -> str:
    found = _SENTENCE.match(text.strip())
    return found.group(0) if found else text.strip()


def workflow_source(paper: Paper) -> str:
    return f"{paper.attribution} · {WORKFLOW_MARK}"


def _org(key: str) -> Organisation:
    spec = next(o for o in ORGS if o.key == key)
    return Organisation.objects.select_related("region").get(uscc=demo_uscc(spec))


def _person(username: str) -> User:
    return User.objects.get(username=username)


def _reviewer_of(region_code: str) -> User:
    """The demo reviewer of the government department of exactly this region."""
    key = next(o.key for o in ORGS if o.key.startswith("gov-") and o.region == region_code)
    return _person(next(p.username for p in PEOPLE if p.org == key and p.role == Role.GOV_REVIEWER))


@transaction.atomic
def load_demo_workflows() -> dict[str, int]:
    """Create the demo records at the steps of their workflows that do not exist yet (idempotent by
    `source`; the listing draft by its note). Loads the demo organisations and sets the demo review route
    first. Returns counts of what was created."""
    load_demo()
    ensure_demo_route()
    wanted = {s.ref for s in (*UNIVERSITY_ACHIEVEMENTS, *ENTERPRISE_NEEDS)}
    by_ref = {p.ref: p for p in papers() if p.ref in wanted}
    return {
        "achievements": _achievements(by_ref),
        "needs": _needs(by_ref),
        "listings": _listing_draft(),
        "inquiries": _inquiries(),
    }


def _achievements(by_ref: dict[str, Paper]) -> int:
    university = _org("univ")
    researcher, admin = _person("univ_researcher"), _person("univ_admin")
    done = set(Achievement.objects.filter(organisation=university, is_demo=True).values_list("source", flat=True))
    created = 0
    for step in UNIVERSITY_ACHIEVEMENTS:
        paper = by_ref[step.ref]
        source = workflow_source(paper)
        if source in done:
            continue
        valid, problems = io.validate_row(io.ParsedRow(2, {**demo_cells(paper), "source": source}))
        if valid is None:  # demo data must be valid
            raise ValueError(f"demo paper {paper.ref} refused: {[p.message for p in problems]}")
        record = achievement_services.create_achievement(
            actor=researcher, organisation_id=university.pk, data=valid.data, source=source, is_demo=True
        )
        _walk(record, STEPS[step.stop], researcher=researcher, admin=admin, comment=step.comment)
        created += 1
    return created


def _walk(record: Achievement, actions: tuple[str, ...], *, researcher: User, admin: User, comment: str) -> None:
    """Take `record` along `actions`: the researcher submits, the org admin confirms, the reviewer of the
    level holding it starts the review, approves (passes it on) or returns it with `comment`."""
    pk = record.pk
    for action in actions:
        holder = Achievement.objects.values_list("holder_region_id", flat=True).get(pk=pk) or ""
        if action == "submit":
            achievement_services.submit_achievement(actor=researcher, achievement_id=pk)
        elif action == "confirm":
            achievement_services.confirm_achievement(actor=admin, achievement_id=pk)
        elif action == "start_review":
            achievement_services.start_review(actor=_reviewer_of(holder), achievement_id=pk)
        elif action == "approve":
            levels = achievement_services.review_levels(record.region)
            if levels[-1].code == holder:  # approving at the last level publishes; this record must stay in review
                raise ValueError("the demo review route has one level left; cannot pass a record on")
            achievement_services.approve_achievement(actor=_reviewer_of(holder), achievement_id=pk, comment=comment)
        elif action == "return":
            achievement_services.return_achievement(actor=_reviewer_of(holder), achievement_id=pk, comment=comment)
        else:
            raise ValueError(f"unknown demo step {action!r}")


def _needs(by_ref: dict[str, Paper]) -> int:
    enterprise = _org("ent")
    seeker = _person("ent_admin")
    done = set(Need.objects.filter(organisation=enterprise, is_demo=True).values_list("source", flat=True))
    created = 0
    for i, step in enumerate(ENTERPRISE_NEEDS):
        paper = by_ref[step.ref]
        source = workflow_source(paper)
        if source in done:
            continue
        text = first_sentence(paper.abstract)
        data = need_data(text, i, Confidentiality.SUMMARY)
        need = need_services.create_need(
            actor=seeker, organisation_id=enterprise.pk, data=data, source=source, is_demo=True
        )
        if step.stop == "submitted":
            need_services.submit_need(actor=seeker, need_id=need.pk)
        created += 1
    return created


def _inquiries() -> int:
    """The enterprise asks the university about one of its published achievements; the university's
    admin brings in the agency's broker and moves each inquiry along (`DEMO_INQUIRIES`)."""
    university, enterprise = _org("univ"), _org("ent")
    achievement = (
        Achievement.objects.filter(
            organisation=university, is_demo=True, status=AchievementStatus.PUBLISHED, kind=AchievementKind.APPLIED
        )
        .order_by("pk")
        .first()
    )
    if achievement is None:
        return 0
    buyer, seller = _person("ent_admin"), _person("univ_admin")
    made = 0
    for subject, message, signed in DEMO_INQUIRIES:
        if Inquiry.objects.filter(subject=subject, initiator=enterprise).exists():
            continue
        inquiry = matchmaking.start_inquiry(
            actor=buyer, organisation_id=enterprise.pk, subject=subject, message=message, achievement_id=achievement.pk
        )
        matchmaking.assign_broker(actor=seller, inquiry_id=inquiry.pk, username="agency_broker")
        steps = [InquiryStatus.NEGOTIATING]
        if signed:
            steps += [InquiryStatus.INTENTION_SIGNED, InquiryStatus.CONTRACT_SIGNED]
        for status in steps:
            matchmaking.change_status(actor=seller, inquiry_id=inquiry.pk, status=status)
        if signed:
            score, comment = DEMO_RATING
            matchmaking.rate_broker(actor=buyer, inquiry_id=inquiry.pk, score=score, comment=comment)
        made += 1
    return made


def _listing_draft() -> int:
    """A listing the university's transfer office started for one of its published achievements.

    Made only once the demo market exists: `market.demo.load_demo_market` does nothing when a listing of
    a demo achievement exists, so a draft made first would keep the demo market from loading."""
    university = _org("univ")
    if Listing.objects.filter(organisation=university, description=LISTING_NOTE).exists():
        return 0
    if not Listing.objects.filter(achievement__is_demo=True, status=ListingStatus.PUBLISHED).exists():
        return 0
    # An applied technology with a real title (a CSL paper), not on the market yet.
    achievement = (
        Achievement.objects.filter(
            organisation=university,
            is_demo=True,
            status=AchievementStatus.PUBLISHED,
            kind=AchievementKind.APPLIED,
            source__startswith=CSL_SOURCE,
            listings__isnull=True,
        )
        .order_by("-pk")
        .first()
    )
    if achievement is None:
        return 0
    today = timezone.localdate()
    market_services.create_listing(
        actor=_person("univ_admin"),
        organisation_id=university.pk,
        data=market_services.ListingInput(
            mode=ListingMode.NON_EXCLUSIVE_LICENCE,
            listed_from=today + datetime.timedelta(days=7),
            listed_until=today + datetime.timedelta(days=187),
            achievement_id=achievement.pk,
            description=LISTING_NOTE,
            industry=achievement.plan_industry,
            price_min=Decimal(30),
            price_max=Decimal(80),
            price_negotiable=True,
        ),
    )
    return 1
