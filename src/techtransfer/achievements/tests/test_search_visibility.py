"""The search index's tokens of an achievement (`achievement_visibility`) admit exactly the people
`access.achievements_visible_to` lets open it: every status × secrecy level, for every persona."""

import pytest
from django.contrib.auth.models import AnonymousUser

from techtransfer.achievements.access import achievements_visible_to
from techtransfer.achievements.choices import AchievementStatus, SecrecyLevel
from techtransfer.achievements.search import achievement_visibility, document
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.search.permissions import may_see

pytestmark = pytest.mark.django_db

S = AchievementStatus
# The organisation's own region (南昌县), and another one (赣州 章贡区): the government token follows
# the record's own `region`, which `government_q` reads, not the organisation's.
REGIONS = ("360121", "360702")


@pytest.fixture
def matrix(applicant_org, applicant_member):  # type: ignore[no-untyped-def]
    """One record per region × status × secrecy level (2 × 9 × 2 = 36) of the applicant organisation."""
    return [
        AchievementFactory(
            organisation=applicant_org, created_by=applicant_member, region_id=region, status=status, secrecy=secrecy
        )
        for region in REGIONS
        for status in S
        for secrecy in SecrecyLevel
    ]


@pytest.fixture
def former_member(applicant_org):  # type: ignore[no-untyped-def]
    from techtransfer.core.tests.factories import MembershipFactory

    return MembershipFactory(organisation=applicant_org, is_active=False).user


# persona → how many of the 36 records it sees (a guard against a vacuous parity: nobody seeing
# anything would pass it too).
SEEN = {
    "anonymous": 2,  # published and public, in either region
    "applicant_member": 36,  # the owning organisation: everything, drafts and internal records too
    "former_member": 2,  # an inactive membership counts for nothing
    "outsider": 2,  # a member of another organisation
    "platform_admin": 36,
    # A department sees its jurisdiction's records once they left the organisation (7 statuses × 2
    # levels), and the other region's published public one.
    "county_reviewer": 15,  # 360121
    "city_reviewer": 15,  # 3601
    "ganzhou_reviewer": 15,  # 3607: the records filed in 章贡区, although the organisation is in 南昌县
    "province_official": 28,  # 36, an official: both regions, every non-private status
}


@pytest.mark.parametrize("persona", sorted(SEEN))
def test_index_tokens_admit_exactly_who_may_open_the_record(request, matrix, persona):
    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    visible = achievements_visible_to(user)
    outcomes = [(a, visible.filter(pk=a.pk).exists()) for a in matrix]
    mismatches = [
        (a.region_id, a.status, a.secrecy, opens)
        for a, opens in outcomes
        if may_see(user, achievement_visibility(a)) != opens
    ]
    assert mismatches == []
    assert sum(opens for _a, opens in outcomes) == SEEN[persona]


def test_tokens_of_each_kind_of_record(applicant_org, applicant_member):
    def tokens(status, secrecy=SecrecyLevel.PUBLIC, region="360121"):  # type: ignore[no-untyped-def]
        a = AchievementFactory.build(organisation=applicant_org, region_id=region, status=status, secrecy=secrecy)
        return achievement_visibility(a)

    org = f"org:{applicant_org.pk}"
    gov = ["gov:36", "gov:3601", "gov:360121"]
    assert tokens(S.PUBLISHED) == ["public"]
    assert tokens(S.PUBLISHED, SecrecyLevel.INTERNAL) == ["admin", org, *gov]
    assert tokens(S.DRAFT) == tokens(S.PENDING_CONFIRMATION) == ["admin", org]
    for status in (S.SUBMITTED, S.UNDER_REVIEW, S.RETURNED, S.REJECTED, S.WITHDRAWN, S.EXPIRED):
        assert tokens(status) == ["admin", org, *gov], status
    assert tokens(S.SUBMITTED, region="360702") == ["admin", org, "gov:36", "gov:3607", "gov:360702"]


def test_the_document_carries_the_tokens_and_the_whole_text(applicant_org, applicant_member):
    a = AchievementFactory(organisation=applicant_org, created_by=applicant_member, secrecy=SecrecyLevel.INTERNAL)
    doc = document(a)
    assert doc.visibility == ["admin", f"org:{applicant_org.pk}"]
    # No summary-only level: whoever holds a token may open the record and read all of it.
    assert doc.fields["body"] == a.abstract
    assert doc.summary == a.abstract
