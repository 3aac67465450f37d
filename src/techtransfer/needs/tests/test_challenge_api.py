"""The challenge API end to end, under the same rules as the pages."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from techtransfer.needs.models import Challenge
from techtransfer.needs.tests.conftest import after
from techtransfer.needs.tests.factories import published_need

pytestmark = pytest.mark.django_db
JSON = "application/json"


def in_a_year() -> datetime.datetime:
    """A deadline in the future whatever today is (now().replace(year=2030) failed on 29 February and fails from 2030)."""
    return timezone.now() + datetime.timedelta(days=365)


def test_create_challenge_validates_and_refuses_strangers(
    client, applicant_org, applicant_admin, county_reviewer, outsider
):
    need = published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer)
    payload = {
        "need_id": need.pk, "bounty": "5000.00", "split": ["70", "20"], "deadline": in_a_year().isoformat(),
        "eligible_types": ["individual"], "agreement": "协议", "criteria": [["可行性", 100]],
    }  # fmt: skip
    client.force_login(outsider)
    assert client.post("/api/v1/challenges", payload, content_type=JSON).status_code == 404
    client.force_login(applicant_admin)
    bad = client.post("/api/v1/challenges", payload, content_type=JSON)
    assert bad.status_code == 422 and bad.json()["code"] == "challenge_split_invalid"
    assert bad.json()["details"] == {"fields": {"split": [bad.json()["message"]]}}
    payload["split"] = ["70", "30"]
    ok = client.post("/api/v1/challenges", payload, content_type=JSON)
    assert ok.status_code == 201 and ok.json()["split"] == ["70", "30"]
    assert Challenge.objects.get().bounty == 5000


def test_a_score_out_of_range_is_refused_under_its_criterion(client, world):
    """`score_invalid` answered 400 with the criterion's id alone in `details`."""
    ch = world.challenge
    c1, c2 = ch.criteria.order_by("position")
    with after(ch):
        client.force_login(world.expert)
        assert client.post(f"/api/v1/challenges/{ch.pk}/conflicts", {"ids": []}, content_type=JSON).status_code == 204
        r = client.post(f"/api/v1/proposals/{world.proposal.pk}/score", {"values": {str(c1.pk): 90, str(c2.pk): 120}},
                        content_type=JSON, HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    message = "Give every criterion a score between 0 and 100."
    assert (r.status_code, r.json()) == (
        422,
        {
            "code": "score_invalid",
            "message": message,
            "details": {"fields": {f"values.{c2.pk}": [message]}, "criterion": c2.pk},
        },
    )
    assert not world.proposal.scores.exists()


def test_an_unknown_solver_type_is_refused_with_a_message(client, applicant_org, applicant_admin, county_reviewer):
    """`details.fields.eligible_types` listed the unknown values, not messages."""
    need = published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer)
    payload = {
        "need_id": need.pk, "bounty": "5000.00", "split": ["100"], "deadline": in_a_year().isoformat(),
        "eligible_types": ["individual", "robot"], "agreement": "协议", "criteria": [["可行性", 100]],
    }  # fmt: skip
    client.force_login(applicant_admin)
    bad = client.post("/api/v1/challenges", payload, content_type=JSON, HTTP_ACCEPT_LANGUAGE="en")
    message = "Eligible solvers: “robot” is not one of the choices."
    assert (bad.status_code, bad.json()) == (
        422,
        {
            "code": "validation_error",
            "message": "Some fields are not valid.",
            "details": {"fields": {"eligible_types": [message]}},
        },
    )
    assert not Challenge.objects.exists()


def test_score_shortlist_award_through_the_api(client, world):
    ch = world.challenge
    c1, c2 = ch.criteria.order_by("position")
    with after(ch):
        client.force_login(world.expert)
        assert client.post(f"/api/v1/challenges/{ch.pk}/conflicts", {"ids": []}, content_type=JSON).status_code == 204
        r = client.post(f"/api/v1/proposals/{world.proposal.pk}/score",
                        {"values": {str(c1.pk): 90, str(c2.pk): 80}, "comment": "好"}, content_type=JSON)  # fmt: skip
        assert r.status_code == 201 and r.json()["total"] == "86.00"
        again = client.post(f"/api/v1/proposals/{world.proposal.pk}/score",
                            {"values": {str(c1.pk): 1, str(c2.pk): 1}}, content_type=JSON)  # fmt: skip
        assert again.status_code == 409 and again.json()["code"] == "score_locked"
        client.force_login(world.other_solver)
        assert client.post(f"/api/v1/challenges/{ch.pk}/award", {"winner_ids": [world.other_proposal.pk]},
                           content_type=JSON).status_code == 404  # fmt: skip
        client.force_login(world.seeker)
        assert client.post(f"/api/v1/challenges/{ch.pk}/shortlist", {"ids": [world.proposal.pk]},
                           content_type=JSON).status_code == 204  # fmt: skip
        r = client.post(f"/api/v1/challenges/{ch.pk}/award", {"winner_ids": [world.proposal.pk]}, content_type=JSON)
        assert r.status_code == 200 and r.json()["status"] == "awarded"
    client.force_login(world.other_solver)
    mine = client.get(f"/api/v1/challenges/{ch.pk}/proposals").json()["items"]
    assert [(p["title"], p["rank_band"]) for p in mine] == [("方案乙", "not_scored")]


def test_a_criterion_name_over_200_characters_is_refused(client, applicant_org, applicant_admin, county_reviewer):
    """A longer name went to the 200-character column: a server error on PostgreSQL, stored whole on SQLite."""
    need = published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer)
    payload = {
        "need_id": need.pk, "bounty": "5000.00", "split": ["100"], "deadline": in_a_year().isoformat(),
        "eligible_types": ["individual"], "agreement": "协议", "criteria": [["可" * 201, 60], ["成本", 40]],
    }  # fmt: skip
    client.force_login(applicant_admin)
    r = client.post("/api/v1/challenges", payload, content_type=JSON, HTTP_ACCEPT_LANGUAGE="en")
    message = "Give each criterion a name of at most 200 characters."
    assert (r.status_code, r.json()) == (
        422,
        {
            "code": "challenge_criterion_name_invalid",
            "message": message,
            "details": {"fields": {"criteria": [message]}},
        },
    )
    payload["criteria"] = [["   ", 60], ["成本", 40]]
    assert (
        client.post("/api/v1/challenges", payload, content_type=JSON).json()["code"]
        == "challenge_criterion_name_invalid"
    )
    assert not Challenge.objects.exists()
    payload["criteria"] = [[" 可行性 ", 60], ["成本", 40]]
    assert client.post("/api/v1/challenges", payload, content_type=JSON).status_code == 201
    assert list(Challenge.objects.get().criteria.values_list("name", flat=True)) == ["可行性", "成本"]


def test_a_deadline_with_any_utc_offset_is_kept_as_its_instant(client, applicant_org, applicant_admin, county_reviewer):
    """ISO 8601 allows offsets up to ±23:59, PostgreSQL ±15:59: a deadline sent at -20:58 failed the
    save with a 500 ("time zone displacement out of range"); one before year 1 in UTC failed on every
    database (found by fuzzing the API with schemathesis). The API keeps the instant, in UTC."""
    need = published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer)
    far = datetime.timezone(-datetime.timedelta(hours=20, minutes=58))
    deadline = in_a_year().astimezone(far).replace(microsecond=0)
    payload = {
        "need_id": need.pk, "bounty": "5000.00", "split": ["100"], "deadline": "0001-01-01T00:00:00+05:00",
        "eligible_types": ["individual"], "agreement": "协议", "criteria": [["可行性", 100]],
    }  # fmt: skip
    client.force_login(applicant_admin)
    r = client.post("/api/v1/challenges", payload, content_type=JSON, HTTP_ACCEPT_LANGUAGE="en")
    message = (
        "deadline: “0001-01-01T00:00:00+05:00” is not a date and time; write it as YYYY-MM-DD or "
        "YYYY-MM-DDTHH:MM, e.g. 2026-03-01T09:30."
    )
    assert (r.status_code, r.json()["details"]) == (422, {"fields": {"deadline": [message]}})
    payload["deadline"] = deadline.isoformat()
    r = client.post("/api/v1/challenges", payload, content_type=JSON)
    assert r.status_code == 201
    assert datetime.datetime.fromisoformat(r.json()["deadline"]) == deadline
    assert Challenge.objects.get().deadline == deadline
