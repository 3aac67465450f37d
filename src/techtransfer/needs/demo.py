"""Demo technology needs built from real problem statements.

Real enterprise need texts are not public. `demo_data/problem_statements_dev.tsv` holds first
sentences of real Chinese journal abstracts (background / problem / 目的), copied from the dev split
of the project's problem→solution benchmark (see demo_data/README.md for source and licence). Each
becomes a need marked `is_demo` with its query id in `source`, goes through the ordinary services
(create → submit → review → publish) and is thus audited like any other need.
"""

from __future__ import annotations

import csv
import datetime
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone

from techtransfer.core.models import Organisation, User
from techtransfer.needs import challenges, services
from techtransfer.needs.choices import Confidentiality, CooperationMode, SolverType
from techtransfer.needs.models import Challenge, Need

DATA = Path(__file__).resolve().parent / "demo_data" / "problem_statements_dev.tsv"
ATTRIBUTION = "CSL (github.com/ydli-ai/CSL, Apache-2.0) problem statement"
MODES = [
    [CooperationMode.COMMISSIONED, CooperationMode.JOINT_DEVELOPMENT],
    [CooperationMode.SERVICE],
    [CooperationMode.LICENCE, CooperationMode.ASSIGNMENT],
]
_LEAD = re.compile(r"^(目的|背景|目标)[\s:：]*")


def problem_statements(limit: int | None = None) -> list[tuple[str, str]]:
    """(query id, text) pairs from the shipped file, in file order."""
    with DATA.open(encoding="utf-8", newline="") as f:
        rows = [(r["qid"], r["text"].strip()) for r in csv.DictReader(f, delimiter="\t")]
    return rows[:limit] if limit is not None else rows


def title_from(text: str) -> str:
    """A short title: the statement without its 目的 label, cut at the first clause, at most 40 characters."""
    body = _LEAD.sub("", text).strip()
    clause = re.split(r"[,，;；.。]", body, maxsplit=1)[0].strip() or body
    return clause[:40]


def need_data(text: str, i: int, confidentiality: str) -> dict[str, Any]:
    """The form data of the `i`-th demo need stated by `text` (a problem statement)."""
    return {
        "title": title_from(text),
        "summary": text[:500],
        "description": text,
        "indicators": "",
        "industry": "",
        "cooperation_modes": [str(m) for m in MODES[i % len(MODES)]],
        "confidentiality": confidentiality,
    }


def load_demo_needs(*, organisation: Organisation, actor: User, reviewer: User, limit: int | None = None) -> int:
    """Create and publish one demo need per problem statement not loaded yet. Returns how many were created.

    `actor` is a member of the (verified) `organisation`; `reviewer` a government reviewer whose
    jurisdiction covers the organisation's region. Idempotent by `source`.
    """
    loaded = set(Need.objects.filter(is_demo=True).values_list("source", flat=True))
    created = 0
    for i, (qid, text) in enumerate(problem_statements(limit)):
        source = f"{ATTRIBUTION} {qid}"
        if source in loaded:
            continue
        data = need_data(text, i, Confidentiality.PUBLIC if i % 2 == 0 else Confidentiality.SUMMARY)
        need = services.create_need(
            actor=actor, organisation_id=organisation.pk, data=data, source=source, is_demo=True
        )
        services.submit_need(actor=actor, need_id=need.pk, comment="演示数据 demo data")
        services.review_need(actor=reviewer, need_id=need.pk, action="start_review")
        services.review_need(actor=reviewer, need_id=need.pk, action="publish", comment="演示数据 demo data")
        created += 1
    return created


# Demo needs run as challenges (words of their titles → bounty in yuan): a rare-earth nano-powder, a
# red-mud building material and a greenhouse control system, which the demo enterprise could plausibly ask.
DEMO_CHALLENGES = (("稀土纳米TiO2", "200000"), ("赤泥", "100000"), ("温室群控制系统", "50000"))
DEMO_CRITERIA = (("技术可行性", 50), ("成本与周期", 30), ("团队能力", 20))
DEMO_AGREEMENT = "演示数据 demo data：参赛方对完整问题描述保密，仅用于本次难题竞标。"


def load_demo_challenges(*, seeker: User, experts: list[str], days: int = 90) -> int:
    """Run three of the seeker's published demo needs as open challenges, each with `experts` (user
    names) on its panel, through the ordinary services (audited, notified). Idempotent: a need that
    already has a challenge is skipped. Returns how many were created."""
    created = 0
    for words, bounty in DEMO_CHALLENGES:
        need = (
            Need.objects.filter(is_demo=True, organisation__memberships__user=seeker, title__contains=words)
            .order_by("pk")
            .first()
        )
        if need is None or Challenge.objects.filter(need=need).exists():
            continue
        challenge = challenges.create_challenge(
            actor=seeker,
            need_id=need.pk,
            bounty=Decimal(bounty),
            split=[Decimal(60), Decimal(40)],
            deadline=timezone.now() + datetime.timedelta(days=days),
            eligible_types=[t.value for t in SolverType],
            eligible_regions=[],
            agreement=DEMO_AGREEMENT,
            criteria=list(DEMO_CRITERIA),
        )
        for username in experts:
            challenges.add_expert(actor=seeker, challenge_id=challenge.pk, username=username)
        created += 1
    return created
