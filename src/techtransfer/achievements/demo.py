"""Demo achievements from real paper metadata (CSL and FewCLUE CSLDCP, see demo_data/README.md).

The papers are turned into import rows and go through the same importer as an uploaded file
(`io.import_rows`: AchievementForm, then `services.create_achievement`), are spread over the demo
organisations, marked `is_demo` with their attribution in `source`, and then published in bulk:
they are demo records, so they skip the review workflow and get registration numbers from the
registration counters directly (`services.reserve_registration_numbers`). One audit event per
organisation records that batch publication (instead of one per record); the creation of each
record is audited by `create_achievement` as usual. Loading is idempotent: a paper whose `source` already
exists is not loaded again.
"""

from __future__ import annotations

import csv
import datetime
import gzip
import re
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from techtransfer.achievements import io
from techtransfer.achievements.choices import AchievementKind, AchievementStatus, PlanIndustry
from techtransfer.achievements.models import Achievement
from techtransfer.achievements.services import VALIDITY, body_code_for, reserve_registration_numbers
from techtransfer.audit.hooks import objects_changed
from techtransfer.audit.services import record_event
from techtransfer.core.choices import OrganisationType
from techtransfer.core.models import Organisation, User

DATA = Path(__file__).resolve().parent / "demo_data"
CSL_SOURCE = "CSL (github.com/ydli-ai/CSL, Apache-2.0)"
CSLDCP_SOURCE = "FewCLUE CSLDCP (github.com/CLUEbenchmark/FewCLUE; texts from CSL)"
MAX_NAME = 60

SOFT_CATEGORIES = frozenset({"哲学", "历史学", "文学", "法学", "教育学", "管理学", "经济学", "艺术学"})
PLAN_INDUSTRY = {
    **dict.fromkeys(["计算机科学与技术", "信息与通信工程", "电子科学与技术", "控制科学与工程"], PlanIndustry.NGIT),
    **dict.fromkeys(
        ["材料科学与工程", "冶金工程", "化学/化学工程与技术", "纺织科学与工程"], PlanIndustry.NEW_MATERIALS
    ),
    **dict.fromkeys(["航空宇航科学与技术"], PlanIndustry.AVIATION),
    **dict.fromkeys(["药学", "中医学/中药学", "基础医学/临床医学", "生物学/生物科学与工程"], PlanIndustry.BIOMED),
    **dict.fromkeys(["电气工程", "动力工程及工程热物理", "核科学与技术"], PlanIndustry.NEW_ENERGY),
    **dict.fromkeys(["环境科学与工程"], PlanIndustry.GREEN),
}
# The strategic emerging industry that matches each plan industry (战略性新兴产业分类 2018).
EMERGING: dict[str, str] = {
    PlanIndustry.NGIT: "1", PlanIndustry.AVIATION: "2", PlanIndustry.NEW_MATERIALS: "3", PlanIndustry.BIOMED: "4",
    PlanIndustry.NEW_ENERGY: "6", PlanIndustry.GREEN: "7",
}  # fmt: skip
# Which kinds of organisation hold papers of a category; others fall back to every organisation.
HOLDERS = {
    "医学": (OrganisationType.HOSPITAL, OrganisationType.UNIVERSITY),
    "工学": (OrganisationType.RESEARCH_INSTITUTE, OrganisationType.ENTERPRISE, OrganisationType.UNIVERSITY),
    "农学": (OrganisationType.UNIVERSITY, OrganisationType.RESEARCH_INSTITUTE),
}


@dataclass(frozen=True)
class Paper:
    ref: str  # the dataset's id, e.g. csl-dev-0000
    name: str
    abstract: str
    keywords: list[str]
    discipline: str
    category: str
    source: str

    @property
    def attribution(self) -> str:
        return f"{self.source} {self.ref}"

    @property
    def seed(self) -> int:
        return zlib.crc32(self.ref.encode())


def _rows(name: str) -> Iterator[dict[str, str]]:
    with gzip.open(DATA / name, "rt", encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f, delimiter="\t")


# A full stop: Chinese or ASCII punctuation; "." only after a non-Latin letter and not before a digit
# (so "W.G. Hou" and "3.5" do not end a sentence).
_SENTENCE_END = re.compile(r"[。．；;！？!?]|(?<![A-Za-z])\.(?!\d)")
_LEAD = re.compile(r"^(本文|该文|文章|本研究|本论文|论文|笔者)[，,、\s]*")
_STRUCTURED = re.compile(r"^[\[【〔(（]?(目的|背景|目标|摘要)[\]】〕)）]?\s*[:：]?\s*")
_CLAUSE = frozenset("，,、：:")
_OPEN, _CLOSE = frozenset("(（[【<《"), frozenset(")）]】>》")
MIN_NAME = 12


def name_from_abstract(abstract: str) -> str:
    """A name for a paper without title: its first sentence (without "本文/该文…" or "目的：").

    Sentences shorter than 12 characters are joined with the next; a name longer than 60 characters
    is cut at its last clause boundary outside brackets (at 20–60 characters), else shortened with "…".
    """
    text = _STRUCTURED.sub("", abstract.strip())
    sentences = [t.strip(" ，,：:") for t in _SENTENCE_END.split(text)]
    sentences = [t for t in sentences if t]
    name = _LEAD.sub("", sentences[0]).strip(" ，,：:") if sentences else ""
    for extra in sentences[1:]:
        if len(name) >= MIN_NAME:
            break
        name = f"{name}，{extra}" if name else extra
    if len(name) <= MAX_NAME:
        return name
    depth, cut = 0, 0
    for i, ch in enumerate(name[:MAX_NAME]):
        depth += (ch in _OPEN) - (ch in _CLOSE)
        if ch in _CLAUSE and depth <= 0 and i >= 20:
            cut = i
    return name[:cut] if cut else name[: MAX_NAME - 1] + "…"


def _keywords(raw: str) -> list[str]:
    """CSL keywords, "|"-separated: duplicates and ones over 40 characters left out, at most 8 kept."""
    kept: list[str] = []
    for k in (k.strip() for k in raw.split("|")):
        if k and len(k) <= 40 and k not in kept:
            kept.append(k)
    return kept[:8]


def papers(limit: int | None = None) -> list[Paper]:
    """CSL first, then CSLDCP; with `limit`, that many from each file."""
    out: list[Paper] = []
    for i, r in enumerate(_rows("csl_benchmark_2k.tsv.gz")):
        if limit is not None and i >= limit:
            break
        out.append(
            Paper(r["id"], r["title"], r["abstract"], _keywords(r["keywords"]), r["discipline"], r["category"],
                  CSL_SOURCE)
        )  # fmt: skip
    for i, r in enumerate(_rows("csldcp_sample.tsv.gz")):
        if limit is not None and i >= limit:
            break
        # CSLDCP has no title and no keywords: the name comes from the abstract, the keywords from the labels.
        labels = [*r["discipline"].split("/"), r["category"]]
        keywords = list(dict.fromkeys(k for k in labels if k))
        out.append(
            Paper(r["id"], name_from_abstract(r["abstract"]), r["abstract"], keywords, r["discipline"],
                  r["category"], CSLDCP_SOURCE)
        )  # fmt: skip
    return out


def demo_cells(paper: Paper) -> dict[str, str]:
    """An import row for a paper, with plausible demo values for what a paper does not say."""
    if paper.category == "理学":
        kind, embodiment, modes, trl = AchievementKind.BASIC, "paper", ["joint_development"], 1 + paper.seed % 3
    elif paper.category in SOFT_CATEGORIES:
        kind, embodiment, modes, trl = AchievementKind.SOFT, "report", ["service"], 2 + paper.seed % 3
    else:
        modes = [["licence", "assignment"], ["joint_development"], ["licence", "joint_development"]][paper.seed % 3]
        kind, embodiment, trl = AchievementKind.APPLIED, "technology", 3 + paper.seed % 5
    industry = PLAN_INDUSTRY.get(paper.discipline, "")
    return {
        "name": paper.name,
        "kind": kind,
        "keywords": io.LIST_JOIN.join(paper.keywords),
        "abstract": paper.abstract,
        "discipline": paper.discipline,
        "embodiment": embodiment,
        "trl": str(trl),
        "plan_industry": industry,
        "emerging_industry": EMERGING.get(industry, "") if industry else "",
        "transfer_modes": io.LIST_JOIN.join(modes),
        "price_negotiable": "是",
        "evaluation_level": "not_evaluated",
        "source": paper.attribution,
    }


def _holder(paper: Paper, organisations: Sequence[Organisation]) -> Organisation:
    preferred = HOLDERS.get(paper.category, (OrganisationType.UNIVERSITY,))
    candidates = [o for o in organisations if o.type in preferred] or list(organisations)
    return candidates[paper.seed % len(candidates)]


def load_demo_achievements(
    *,
    organisations: Sequence[Organisation],
    actor_for: Callable[[Organisation], User],
    limit: int | None = None,
) -> int:
    """Import and publish the demo papers not loaded yet; returns how many records were created.

    `actor_for(org)` names a member of `org` who imports its share. With `limit`, only that many
    papers of each source file are considered (for tests). Everything runs in one transaction: a
    row the importer refuses aborts the load (demo data must be valid).
    """
    if not organisations:
        return 0
    loaded = set(Achievement.objects.filter(is_demo=True).exclude(source="").values_list("source", flat=True))
    todo = [p for p in papers(limit) if p.attribution not in loaded]
    by_org: dict[int, list[Paper]] = {}
    for p in todo:
        by_org.setdefault(_holder(p, organisations).pk, []).append(p)
    orgs = {o.pk: o for o in organisations}
    created: list[tuple[Organisation, User, list[int]]] = []
    with transaction.atomic():
        for org_id, group in by_org.items():
            org = orgs[org_id]
            actor = actor_for(org)
            rows = [io.ParsedRow(number, demo_cells(p)) for number, p in enumerate(group, start=2)]
            outcome = io.import_rows(
                actor=actor, organisation_id=org.pk, rows=rows, mode=io.ImportMode.ALL_OR_NOTHING, is_demo=True
            )
            if outcome.errors:
                first = next(p for p in outcome.problems if p.blocking)
                raise ValueError(
                    f"demo row {first.row} ({group[first.row - 2].ref}) refused: {first.field} {first.message}"
                )
            created.append((org, actor, outcome.created))
        _publish(created)
    return sum(len(ids) for _org, _actor, ids in created)


def _publish(batches: list[tuple[Organisation, User, list[int]]]) -> None:
    """Publish the new demo records: dates spread over the last 180 days, numbers in date order.

    Numbers come from `services.reserve_registration_numbers`, one locked counter update per
    registering body, year and kind (instead of one per record).
    """
    now = timezone.now()
    groups: dict[tuple[str, int, str], list[tuple[datetime.datetime, int]]] = {}
    for org, _actor, ids in batches:
        body = body_code_for(org.region)
        for pk, kind, source in Achievement.objects.filter(pk__in=ids).values_list("pk", "kind", "source"):
            seed = zlib.crc32(source.encode())
            published_at = now - datetime.timedelta(days=seed % 180, minutes=(seed // 180) % 1440)
            groups.setdefault((body, timezone.localdate(published_at).year, kind), []).append((published_at, pk))
    for (body, year, kind), records in sorted(groups.items()):
        records.sort()
        numbers = reserve_registration_numbers(body_code=body, year=year, kind=kind, count=len(records))
        for (published_at, pk), number in zip(records, numbers, strict=True):
            Achievement.objects.filter(pk=pk).update(
                status=AchievementStatus.PUBLISHED,
                registration_number=number,
                published_at=published_at,
                valid_until=timezone.localdate(published_at) + VALIDITY,
            )
    for org, actor, ids in batches:
        # One audit event per organisation covers the bulk update; the changed records are announced
        # one by one so that the search outbox indexes each of them.
        objects_changed(Achievement._meta.label_lower, ids)
        if ids:
            record_event(
                actor=actor,
                action="achievement.demo_publish",
                obj=org,
                organisation=org,
                changes={"published": len(ids), "first_id": min(ids), "last_id": max(ids)},
                comment="演示数据批量发布 demo records published in bulk",
            )
