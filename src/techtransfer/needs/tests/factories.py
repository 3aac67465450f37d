"""Helpers that build needs and challenges through the services, as a user would."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from techtransfer.core.choices import OrganisationStatus
from techtransfer.core.models import Organisation, User
from techtransfer.needs import challenges, services
from techtransfer.needs.choices import CooperationMode, SolverType
from techtransfer.needs.models import Challenge, Need


def need_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "稀土永磁体高温退磁问题",
        "summary": "需要将钕铁硼磁体在180℃下的不可逆损失降到5%以下。",
        "description": "完整问题描述：现有产品在180℃工况下不可逆磁通损失约12%。",
        "indicators": "不可逆损失 ≤ 5%；成本增加 ≤ 10%",
        "industry": "new_materials",
        "cooperation_modes": [CooperationMode.COMMISSIONED.value],
    }
    data.update(overrides)
    return data


def verify(org: Organisation) -> Organisation:
    Organisation.objects.filter(pk=org.pk).update(status=OrganisationStatus.VERIFIED)
    org.refresh_from_db()
    return org


def published_need(*, org: Organisation, author: User, reviewer: User, **overrides: Any) -> Need:
    verify(org)
    need = services.create_need(actor=author, organisation_id=org.pk, data=need_data(**overrides))
    services.submit_need(actor=author, need_id=need.pk)
    services.review_need(actor=reviewer, need_id=need.pk, action="start_review")
    return services.review_need(actor=reviewer, need_id=need.pk, action="publish")


def open_challenge(
    *, need: Need, seeker: User, deadline: datetime.datetime | None = None, split: list[str] | None = None, **kw: Any
) -> Challenge:
    return challenges.create_challenge(
        actor=seeker,
        need_id=need.pk,
        bounty=Decimal(kw.pop("bounty", "10000.00")),
        split=[Decimal(s) for s in (split or ["60", "40"])],
        deadline=deadline or timezone.now() + datetime.timedelta(days=7),
        eligible_types=kw.pop("eligible_types", [t.value for t in SolverType]),
        eligible_regions=kw.pop("eligible_regions", []),
        agreement="保密协议",
        criteria=kw.pop("criteria", [("可行性", 60), ("成本", 40)]),
    )
