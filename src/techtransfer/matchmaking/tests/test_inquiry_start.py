"""Starting an inquiry from an achievement's page: the page offers it to people of other
organisations (a log-in link to visitors), and the form sent twice makes one inquiry (ADR 0026)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from techtransfer.achievements.choices import AchievementStatus
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.audit.models import AuditEvent
from techtransfer.core.models import SentForm
from techtransfer.matchmaking.models import Inquiry, Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def achievement(applicant_org, applicant_admin):  # type: ignore[no-untyped-def]
    return AchievementFactory(
        organisation=applicant_org, created_by=applicant_admin, status=AchievementStatus.PUBLISHED
    )


def login(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


# --- 9. The achievement's page offers to contact its owner -----------------------------------------


def test_a_member_of_another_organisation_is_offered_to_contact_the_owner(achievement, outsider):
    response = login(outsider).get(f"/achievements/{achievement.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert (
        f'<a class="btn btn-outline-primary" id="contact-owner" href="/matchmaking/new/?achievement={achievement.pk}">'
        "Contact the owner</a>"
    ) in response.content.decode()


def test_a_visitor_is_offered_to_log_in_first(client, achievement):
    response = client.get(f"/achievements/{achievement.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert (
        f'<a class="btn btn-outline-primary" id="contact-owner" '
        f'href="/login/?next=%2Fmatchmaking%2Fnew%2F%3Fachievement%3D{achievement.pk}">Log in to contact the owner</a>'
    ) in response.content.decode()


def test_the_owners_members_and_unpublished_records_are_not_offered(achievement, applicant_member, outsider):
    assert 'id="contact-owner"' not in login(applicant_member).get(f"/achievements/{achievement.pk}/").content.decode()
    draft = AchievementFactory(organisation=outsider.memberships.get().organisation, created_by=outsider)
    response = login(outsider).get(f"/achievements/{draft.pk}/")
    assert response.status_code == 200
    assert 'id="contact-owner"' not in response.content.decode()


def test_the_link_opens_a_form_that_starts_an_inquiry_about_the_achievement(achievement, outsider, other_org):
    c = login(outsider)
    page = c.get(f"/matchmaking/new/?achievement={achievement.pk}")
    assert page.status_code == 200
    assert f'<input type="hidden" name="achievement" value="{achievement.pk}">' in page.content.decode()
    response = c.post(
        f"/matchmaking/new/?achievement={achievement.pk}",
        {"achievement": achievement.pk, "from": other_org.pk, "subject": "许可意向", "message": "希望了解许可条件"},
    )
    inquiry = Inquiry.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/matchmaking/{inquiry.pk}/")
    assert (inquiry.achievement_id, inquiry.initiator_id, inquiry.recipient_id) == (
        achievement.pk, other_org.pk, achievement.organisation_id,
    )  # fmt: skip


# --- 8. Sent twice, one inquiry ------------------------------------------------------------------


def test_the_same_inquiry_sent_twice_makes_one(achievement, outsider, other_org):
    c = login(outsider)
    data = {"achievement": achievement.pk, "from": other_org.pk, "subject": "许可意向", "message": "希望了解许可条件"}
    first = c.post(f"/matchmaking/new/?achievement={achievement.pk}", data, HTTP_ACCEPT_LANGUAGE="en")
    inquiry = Inquiry.objects.get()
    assert [str(m) for m in get_messages(first.wsgi_request)] == ["Inquiry sent."]
    second = c.post(f"/matchmaking/new/?achievement={achievement.pk}", data, HTTP_ACCEPT_LANGUAGE="en")
    assert (second.status_code, second["Location"]) == (302, f"/matchmaking/{inquiry.pk}/")
    assert [str(m) for m in get_messages(second.wsgi_request)] == [
        "Inquiry sent.",  # the first sending's, not read yet (its redirect was not followed)
        "This form was already submitted; here is the record it created.",
    ]
    assert Inquiry.objects.count() == 1
    assert Message.objects.count() == 1
    assert AuditEvent.objects.filter(action="inquiry.start").count() == 1
    assert list(SentForm.objects.values_list("object_label", "object_id")) == [("matchmaking.inquiry", inquiry.pk)]


def test_another_message_after_back_is_another_inquiry(achievement, outsider, other_org):
    c = login(outsider)
    data = {"achievement": achievement.pk, "from": other_org.pk, "subject": "许可意向", "message": "希望了解许可条件"}
    c.post("/matchmaking/new/", data)
    c.post("/matchmaking/new/", {**data, "message": "另外想了解转让价格"})
    assert Inquiry.objects.count() == 2


def test_a_refused_inquiry_frees_the_form(applicant_org, applicant_admin):
    achievement = AchievementFactory(
        organisation=applicant_org, created_by=applicant_admin, status=AchievementStatus.PUBLISHED
    )
    c = login(applicant_admin)
    data = {"achievement": achievement.pk, "from": applicant_org.pk, "subject": "自己", "message": "自己"}
    response = c.post("/matchmaking/new/", data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert (Inquiry.objects.count(), SentForm.objects.count()) == (0, 0)
