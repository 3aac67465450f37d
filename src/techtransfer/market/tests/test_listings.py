"""Listings: creation rules, the review workflow and who may do what, materials, watchlists."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from techtransfer.achievements.choices import AchievementStatus
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.audit.models import AuditEvent
from techtransfer.core.errors import DomainError, Errors
from techtransfer.market import access, services
from techtransfer.market.choices import ListingMode
from techtransfer.market.choices import ListingStatus as S
from techtransfer.market.errors import MarketErrors
from techtransfer.market.models import Listing, Watch
from techtransfer.market.services import ListingInput
from techtransfer.market.tests.factories import ListingFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" + b" " * 300


def data(**overrides: object) -> ListingInput:
    values: dict[str, object] = {
        "mode": ListingMode.EXCLUSIVE_LICENCE,
        "listed_from": timezone.localdate(),
        "listed_until": timezone.localdate() + datetime.timedelta(days=60),
        "price_min": Decimal("80.00"),
        "price_max": Decimal("120.00"),
    }
    values.update(overrides)
    return ListingInput(**values)  # type: ignore[arg-type]


def test_listing_of_a_published_achievement_takes_its_name_and_industry(seller, applicant_admin, published_achievement):
    listing = services.create_listing(
        actor=applicant_admin, organisation_id=seller.pk, data=data(achievement_id=published_achievement.pk)
    )
    assert (listing.title, listing.industry, listing.status) == (published_achievement.name, "new_materials", S.DRAFT)
    assert listing.region_id == "360121"
    event = AuditEvent.objects.get(action="listing.create", object_id=str(listing.pk))
    assert event.changes["mode"] == "exclusive_licence" and event.changes["price_max"] == "120.00"


def test_draft_achievement_cannot_be_listed(seller, applicant_member, applicant_admin):
    draft = AchievementFactory(organisation=seller, created_by=applicant_admin, status=AchievementStatus.DRAFT)
    with pytest.raises(DomainError) as exc:
        services.create_listing(actor=applicant_member, organisation_id=seller.pk, data=data(achievement_id=draft.pk))
    assert exc.value.error == MarketErrors.ACHIEVEMENT_NOT_PUBLISHED
    assert Listing.objects.count() == 0


def test_another_organisations_achievement_cannot_be_listed(seller, outsider, buyer, published_achievement):
    with pytest.raises(DomainError) as exc:
        services.create_listing(
            actor=outsider, organisation_id=buyer.pk, data=data(achievement_id=published_achievement.pk)
        )
    assert exc.value.error == MarketErrors.ACHIEVEMENT_NOT_PUBLISHED
    assert Listing.objects.count() == 0


def test_patent_listing_needs_numbers_and_a_title(seller, applicant_member):
    with pytest.raises(DomainError) as exc:
        services.create_listing(actor=applicant_member, organisation_id=seller.pk, data=data())
    assert exc.value.error == MarketErrors.SUBJECT_MISSING
    listing = services.create_listing(
        actor=applicant_member,
        organisation_id=seller.pk,
        data=data(patent_numbers=" ZL202310000001.5 ", title="一种电机控制方法"),
    )
    assert listing.patent_numbers == "ZL202310000001.5" and listing.achievement_id is None


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"price_min": Decimal("200"), "price_max": Decimal("100")}, MarketErrors.PRICE_RANGE),
        ({"listed_until": timezone.localdate() - datetime.timedelta(days=1)}, MarketErrors.PERIOD),
    ],
)
def test_price_range_and_period_are_checked(seller, applicant_member, published_achievement, overrides, error):
    with pytest.raises(DomainError) as exc:
        services.create_listing(
            actor=applicant_member,
            organisation_id=seller.pk,
            data=data(achievement_id=published_achievement.pk, **overrides),
        )
    assert exc.value.error == error
    assert Listing.objects.count() == 0


def test_non_member_cannot_list_for_an_organisation(seller, outsider):
    with pytest.raises(DomainError) as exc:
        services.create_listing(
            actor=outsider, organisation_id=seller.pk, data=data(patent_numbers="ZL202310000001.5", title="t")
        )
    assert exc.value.error == Errors.NOT_FOUND


def test_submit_needs_a_verified_organisation(applicant_org, applicant_member):
    listing = ListingFactory(organisation=applicant_org, created_by=applicant_member)
    with pytest.raises(DomainError) as exc:
        services.submit_listing(actor=applicant_member, listing_id=listing.pk)
    assert exc.value.error == MarketErrors.ORGANISATION_NOT_VERIFIED
    listing.refresh_from_db()
    assert listing.status == S.DRAFT


def test_review_path_to_publication(seller, applicant_member, county_reviewer):
    listing = ListingFactory(organisation=seller, created_by=applicant_member)
    services.submit_listing(actor=applicant_member, listing_id=listing.pk)
    services.review_listing(actor=county_reviewer, listing_id=listing.pk, action="start_review")
    published = services.review_listing(actor=county_reviewer, listing_id=listing.pk, action="publish", comment="同意")
    assert published.status == S.PUBLISHED and published.published_at is not None
    actions = list(
        AuditEvent.objects.filter(object_type="market.listing", object_id=str(listing.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["listing.submit", "listing.start_review", "listing.publish"]
    assert access.public_listings().filter(pk=listing.pk).exists()


def test_return_needs_a_comment_and_allows_editing(seller, applicant_member, city_reviewer):
    listing = ListingFactory(organisation=seller, created_by=applicant_member)
    services.submit_listing(actor=applicant_member, listing_id=listing.pk)
    with pytest.raises(DomainError) as exc:
        services.review_listing(actor=city_reviewer, listing_id=listing.pk, action="return")
    assert exc.value.error == Errors.VALIDATION
    services.review_listing(actor=city_reviewer, listing_id=listing.pk, action="return", comment="请补充材料")
    updated = services.update_listing(
        actor=applicant_member, listing_id=listing.pk, data=data(patent_numbers="ZL202310000001.5", title="新标题")
    )
    assert (updated.status, updated.title, updated.review_comment) == (S.RETURNED, "新标题", "请补充材料")


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("county_reviewer", True),
        ("city_reviewer", True),
        ("province_reviewer", True),
        ("platform_admin", True),
        ("ganzhou_reviewer", False),
        ("province_official", False),
        ("applicant_admin", False),
        ("outsider", False),
    ],
)
def test_who_may_review(request, seller, applicant_member, persona, allowed):
    listing = ListingFactory(organisation=seller, created_by=applicant_member)
    services.submit_listing(actor=applicant_member, listing_id=listing.pk)
    user = request.getfixturevalue(persona)
    if allowed:
        assert (
            services.review_listing(actor=user, listing_id=listing.pk, action="start_review").status == S.UNDER_REVIEW
        )
    else:
        with pytest.raises(DomainError) as exc:
            services.review_listing(actor=user, listing_id=listing.pk, action="start_review")
        assert exc.value.error == Errors.NOT_FOUND
        listing.refresh_from_db()
        assert listing.status == S.SUBMITTED


@pytest.mark.parametrize(
    ("status", "visible"),
    [
        (S.DRAFT, {"applicant_member", "platform_admin"}),
        (S.SUBMITTED, {"applicant_member", "platform_admin", "county_reviewer", "province_official"}),
        (S.PUBLISHED, {"applicant_member", "platform_admin", "county_reviewer", "province_official", "outsider",
                       "ganzhou_reviewer", "anonymous"}),
        (S.REJECTED, {"applicant_member", "platform_admin", "county_reviewer", "province_official"}),
    ],
)  # fmt: skip
def test_view_matrix(request, seller, applicant_member, status, visible):
    from django.contrib.auth.models import AnonymousUser

    listing = ListingFactory(organisation=seller, created_by=applicant_member, status=status)
    personas = ["applicant_member", "platform_admin", "county_reviewer", "province_official", "outsider",
                "ganzhou_reviewer"]  # fmt: skip
    seen = set()
    for name in personas:
        user = request.getfixturevalue(name)
        if access.listings_visible_to(user).filter(pk=listing.pk).exists():
            seen.add(name)
        try:
            access.get_listing_for_user(user, listing.pk)
            assert name in visible
        except DomainError:
            assert name not in visible
    if access.listings_visible_to(AnonymousUser()).filter(pk=listing.pk).exists():
        seen.add("anonymous")
    assert seen == visible


def test_published_listing_cannot_be_edited(listing, applicant_member):
    with pytest.raises(DomainError) as exc:
        services.update_listing(
            actor=applicant_member, listing_id=listing.pk, data=data(patent_numbers="ZL202310000001.5", title="y")
        )
    assert exc.value.error == MarketErrors.NOT_EDITABLE


def test_an_edit_from_an_older_version_of_a_listing_is_refused(seller, applicant_member):
    from techtransfer.core import concurrency

    listing = ListingFactory(organisation=seller, created_by=applicant_member)

    def edit(title: str, loaded_at: str | None = None) -> None:
        data_ = data(patent_numbers="ZL202310000001.5", title=title)
        services.update_listing(actor=applicant_member, listing_id=listing.pk, data=data_, loaded_at=loaded_at)

    loaded = concurrency.stamp(listing)
    edit("另一个窗口")
    with pytest.raises(DomainError) as exc:
        edit("这个窗口", loaded)
    listing.refresh_from_db()
    assert (exc.value.error, exc.value.details, listing.title) == (
        Errors.EDITED_MEANWHILE, {"current": concurrency.stamp(listing)}, "另一个窗口",
    )  # fmt: skip
    edit("这个窗口", concurrency.stamp(listing))  # saved again from the current version
    listing.refresh_from_db()
    assert listing.title == "这个窗口"


def test_materials_are_checked_by_content(seller, applicant_member):
    listing = ListingFactory(organisation=seller, created_by=applicant_member)
    a = services.add_listing_attachment(
        actor=applicant_member, listing_id=listing.pk, file=SimpleUploadedFile("材料.pdf", PDF)
    )
    assert (a.mime, a.name) == ("application/pdf", "材料.pdf")
    with pytest.raises(DomainError) as exc:
        services.add_listing_attachment(
            actor=applicant_member, listing_id=listing.pk, file=SimpleUploadedFile("fake.pdf", b"not a pdf" * 50)
        )
    assert exc.value.error == Errors.UPLOAD_TYPE
    assert listing.attachments.count() == 1


def test_withdraw_and_expiry(listing, applicant_member, seller):
    old = ListingFactory(
        organisation=seller,
        created_by=applicant_member,
        status=S.PUBLISHED,
        listed_from=timezone.localdate() - datetime.timedelta(days=10),
        listed_until=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert services.expire_due_listings() == [old.pk]
    old.refresh_from_db()
    assert old.status == S.EXPIRED
    assert services.withdraw_listing(actor=applicant_member, listing_id=listing.pk).status == S.WITHDRAWN


def test_watchlist_is_idempotent_and_only_for_published(listing, outsider, seller, applicant_member):
    services.watch(actor=outsider, listing_id=listing.pk)
    services.watch(actor=outsider, listing_id=listing.pk)
    assert Watch.objects.filter(user=outsider).count() == 1
    draft = ListingFactory(organisation=seller, created_by=applicant_member)
    with pytest.raises(DomainError):
        services.watch(actor=outsider, listing_id=draft.pk)
    services.watch(actor=outsider, listing_id=listing.pk, on=False)
    assert Watch.objects.filter(user=outsider).count() == 0


def test_patent_numbers_are_checked(applicant_member, seller):  # type: ignore[no-untyped-def]
    """A QA pass listed "abc" as the patent; it carried through to the deal and the contract."""
    with pytest.raises(DomainError) as exc:
        services.create_listing(
            actor=applicant_member, organisation_id=seller.pk,
            data=data(patent_numbers="ZL201710601862.3，abc、201710601862.4", title="t"),
        )  # fmt: skip
    assert exc.value.code == "validation_error"
    assert exc.value.details["patent_numbers"] == [
        "不是专利号，或其校验位有误：ABC、201710601862.4。申请号请写作 201710601862.3 或 ZL201710601862.3，"
        "公开号请写作 CN105000000A；多个号码之间用逗号分隔。"
    ]
    listing = services.create_listing(
        actor=applicant_member, organisation_id=seller.pk,
        data=data(patent_numbers="ZL201710601862.3, 97101765.4; CN105000000A US10123456B2", title="t"),
    )  # fmt: skip
    assert listing.patent_numbers == "ZL201710601862.3, 97101765.4; CN105000000A US10123456B2"
