"""The demo's records in progress (`web.demo_workflows`), loaded as `make run` loads the demo: achievements,
market, contracts, needs, then `load_demo`. Each step is taken by its persona through the services; each
reviewer's queue holds exactly what reached its level or jurisdiction; anonymous visitors see none of it;
loading again makes nothing twice."""

from collections import Counter

import pytest
from django.test import Client

from techtransfer.achievements.choices import AchievementKind
from techtransfer.achievements.models import Achievement
from techtransfer.audit.models import AuditEvent
from techtransfer.contracts.demo import load_demo_contracts
from techtransfer.core.models import User
from techtransfer.market.models import Listing
from techtransfer.matchmaking.models import BrokerRating, Inquiry
from techtransfer.needs.models import Need
from techtransfer.search.backends import reset_backends
from techtransfer.search.outbox import apply_pending
from techtransfer.web.demo import (
    DEMO_PASSWORD,
    load_demo,
    load_demo_market_records,
    load_demo_need_records,
    load_demo_records,
)
from techtransfer.web.demo_workflows import LISTING_NOTE, WORKFLOW_MARK, load_demo_workflows

pytestmark = pytest.mark.django_db

UNIVERSITY, ENTERPRISE = "[演示] 南昌示范大学", "[演示] 赣州示范稀土科技有限公司"
# name, status, holder level (None: the organisation holds it), the personas of its audited steps
ACHIEVEMENTS = [
    ("蓄电池-超级电容混合储能系统控制方法研究", "draft", None, [("create", "univ_researcher")]),
    ("一种多功能腐蚀监测无线传感器设计与实现", "draft", None, [("create", "univ_researcher")]),
    ("碱性燃料电池用阴离子交换膜的制备与表征", "pending_confirmation", None,
     [("create", "univ_researcher"), ("submit", "univ_researcher")]),
    ("基于故障等值网络的双馈风电机组三相短路电流计算方法研究", "submitted", "360100",
     [("create", "univ_researcher"), ("submit", "univ_researcher"), ("confirm", "univ_admin")]),
    ("双微乳液法制备CoFe2O4纳米颗粒及其磁性能研究", "submitted", "360000",
     [("create", "univ_researcher"), ("submit", "univ_researcher"), ("confirm", "univ_admin"),
      ("start_review", "gov_city"), ("pass_on", "gov_city")]),
    ("基于EKF永磁同步电机无传感直接转矩控制研究", "under_review", "360100",
     [("create", "univ_researcher"), ("submit", "univ_researcher"), ("confirm", "univ_admin"),
      ("start_review", "gov_city")]),
    ("利用核桃壳制备高比表面积活性炭电极材料的研究", "returned", None,
     [("create", "univ_researcher"), ("submit", "univ_researcher"), ("confirm", "univ_admin"),
      ("start_review", "gov_city"), ("return", "gov_city")]),
]  # fmt: skip
NEEDS = [
    ("致癌和致畸有毒元素砷的污染普遍存在于金属硫化物矿山开采中", "draft", [("create", "ent_admin")]),
    ("针对工况变化频繁的焙烧炉焙烧过程", "submitted", [("create", "ent_admin"), ("submit", "ent_admin")]),
]
AT_CITY = ["基于故障等值网络的双馈风电机组三相短路电流计算方法研究", "基于EKF永磁同步电机无传感直接转矩控制研究"]
AT_PROVINCE = ["双微乳液法制备CoFe2O4纳米颗粒及其磁性能研究"]
SUBMITTED_NEED = ["针对工况变化频繁的焙烧炉焙烧过程"]


@pytest.fixture
def demo(settings, tmp_path):  # type: ignore[no-untyped-def]
    """The demo as `make demo` loads it before `load_demo`, smaller, with its own search index."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SEARCH_INDEX_DIR = tmp_path / "search"
    reset_backends()
    load_demo_records(limit=30)
    load_demo_market_records(per_seller=3)
    load_demo_contracts(3)
    load_demo_need_records(limit=6)
    load_demo()
    apply_pending()
    yield
    reset_backends()


def ours(model):  # type: ignore[no-untyped-def]
    return model.objects.filter(source__endswith=WORKFLOW_MARK)


def steps(object_type: str, pk: int) -> list[tuple[str, str]]:
    events = AuditEvent.objects.filter(object_type=object_type, object_id=str(pk)).order_by("created_at", "pk")
    return [(e.action.split(".", 1)[1], e.actor.username) for e in events.select_related("actor")]


def signed_in(username: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def test_each_record_stops_at_its_step_taken_by_its_persona(demo):  # type: ignore[no-untyped-def]
    assert load_demo_workflows() == {"achievements": 7, "needs": 2, "listings": 1, "inquiries": 2}
    made = ours(Achievement).select_related("organisation", "created_by").order_by("pk")
    shown = [(a.name, a.status, a.holder_region_id, steps("achievements.achievement", a.pk)) for a in made]
    assert shown == ACHIEVEMENTS
    assert {(a.organisation.name, a.region_id, a.created_by.username, a.is_demo) for a in made} == {
        (UNIVERSITY, "360102", "univ_researcher", True)
    }
    assert Counter(made.values_list("status", flat=True)) == {
        "draft": 2, "pending_confirmation": 1, "submitted": 2, "under_review": 1, "returned": 1
    }  # fmt: skip
    returned = made.get(status="returned")
    assert returned.review_comment == (
        "请补充比表面积、比电容和循环寿命的第三方检测报告，说明放大制备时的工艺条件与成本，"
        "并在成果简介中写明与同类商品活性炭电极材料相比的主要技术指标后重新提交。"
    )
    assert returned.source == f"CSL (github.com/ydli-ai/CSL, Apache-2.0) csl-test-0006 · {WORKFLOW_MARK}"
    needs = ours(Need).select_related("organisation").order_by("pk")
    assert [(n.title, n.status, steps("needs.need", n.pk)) for n in needs] == NEEDS
    assert {(n.organisation.name, n.region_id, n.is_demo) for n in needs} == {(ENTERPRISE, "360702", True)}
    (draft,) = Listing.objects.exclude(status="published")
    shown = (draft.status, draft.organisation.name, draft.region_id, draft.description)
    assert shown == ("draft", UNIVERSITY, "360102", LISTING_NOTE)
    assert steps("market.listing", draft.pk) == [("create", "univ_admin")]
    assert draft.achievement.status == "published" and draft.achievement.organisation.name == UNIVERSITY
    # Everything else of the demo is as it was: published, or (contracts) not touched here.
    assert Achievement.objects.exclude(source__endswith=WORKFLOW_MARK).exclude(status="published").count() == 0
    assert Need.objects.exclude(source__endswith=WORKFLOW_MARK).exclude(status="published").count() == 0


def test_each_reviewer_finds_exactly_what_reached_it(demo):  # type: ignore[no-untyped-def]
    """Jurisdiction follows the record's region (the organisation's): the university is in 东湖区
    (360102), whose route is city → province, so 南昌县 (gov_county) reviews none of it; its queue
    still holds the demo enterprise registered in 南昌县, waiting for verification."""
    load_demo_workflows()

    def queues(username: str) -> tuple[list[str], list[str], list[str]]:
        client = signed_in(username)
        achievements = [a.name for a in client.get("/achievements/review/").context["queue"]]
        needs = [n.title for n in client.get("/needs/review/").context["page"]]
        listings = [x.title for x in client.get("/market/review/").context["page"]]
        return achievements, needs, listings

    assert queues("gov_county") == ([], [], [])
    pending = signed_in("gov_county").get("/workspace/").context["pending"]
    assert [o.name for o in pending] == ["[演示] 南昌县示范智能装备有限公司"]
    assert queues("gov_city") == (AT_CITY, [], [])
    assert queues("gov_province") == (AT_PROVINCE, SUBMITTED_NEED, [])
    assert queues("gov_ganzhou") == ([], SUBMITTED_NEED, [])
    confirmations = signed_in("univ_admin").get("/achievements/review/").context["confirmations"]
    assert [a.name for a in confirmations] == ["碱性燃料电池用阴离子交换膜的制备与表征"]
    mine = signed_in("univ_researcher").get("/achievements/mine/").context["page"]
    assert [a.status for a in mine][:7] == [
        "returned", "under_review", "submitted", "submitted", "pending_confirmation", "draft", "draft"
    ]  # fmt: skip


def test_anonymous_visitors_see_none_of_it(demo):  # type: ignore[no-untyped-def]
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    titles = [name for name, *_ in ACHIEVEMENTS] + [title for title, *_ in NEEDS]

    def public() -> tuple[list[int], list[tuple[int, list[tuple[str, int]]]]]:
        lists = [
            anonymous.get(url).context["page"].paginator.count for url in ("/achievements/", "/needs/", "/market/")
        ]
        found = []
        for q in ["", *titles]:
            api = anonymous.get("/api/v1/search", {"q": q}).json()
            found.append((api["total"], [(t["value"], t["count"]) for t in api["types"]]))
        return lists, found

    before = public()
    assert min(before[0]) > 0 and before[1][0][0] > 0  # the lists and the search are not empty to start with
    load_demo_workflows()
    apply_pending()
    assert public() == before
    # They are in the index: the university's members find its draft, its reviewers what was submitted.
    draft = signed_in("univ_researcher").get("/api/v1/search", {"q": "蓄电池-超级电容混合储能系统控制方法研究"}).json()
    assert ("蓄电池-超级电容混合储能系统控制方法研究", False) in [(r["title"], r["public"]) for r in draft["results"]]
    for title in titles:
        hits = anonymous.get("/api/v1/search", {"q": title}).json()["results"]
        assert title not in [r["title"] for r in hits if r["type"] in ("achievement", "need")]


def test_loading_again_makes_nothing_twice(demo):  # type: ignore[no-untyped-def]
    load_demo_workflows()

    def state() -> tuple[list[tuple[int, str]], list[tuple[int, str]], list[tuple[int, str]], int, int]:
        return (
            list(Achievement.objects.order_by("pk").values_list("pk", "status")),
            list(Need.objects.order_by("pk").values_list("pk", "status")),
            list(Listing.objects.order_by("pk").values_list("pk", "status")),
            AuditEvent.objects.count(),
            User.objects.count(),
        )

    first = state()
    assert load_demo_workflows() == {"achievements": 0, "needs": 0, "listings": 0, "inquiries": 0}
    assert state() == first


def test_the_enterprise_inquiries_are_brokered_and_one_is_rated(demo):  # type: ignore[no-untyped-def]
    load_demo_workflows()
    rows = Inquiry.objects.filter(subject__endswith="（演示）").order_by("pk")
    assert [(i.subject, i.status, i.broker.username, i.initiator.name, i.recipient.name) for i in rows] == [
        ("许可条件咨询（演示）", "negotiating", "agency_broker", ENTERPRISE, UNIVERSITY),
        ("技术许可已签约（演示）", "contract_signed", "agency_broker", ENTERPRISE, UNIVERSITY),
    ]
    # About an applied technology, whose licence makes sense.
    assert {i.achievement.kind for i in rows} == {AchievementKind.APPLIED}
    assert list(BrokerRating.objects.values_list("inquiry__subject", "organisation__name", "score")) == [
        ("技术许可已签约（演示）", ENTERPRISE, 5)
    ]
    page = signed_in("agency_admin").get("/matchmaking/brokers/").content.decode()
    # With the buyer's rating (4) of the demo deal the agency's broker brokered (market.demo).
    assert "<td>4.5 分（满分 5 分，2 条评价）</td>" in page
