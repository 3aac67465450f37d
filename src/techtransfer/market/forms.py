"""Forms of the market pages. Each form validates the shape of the input; the services check the
rules (published achievement, verified organisation, increments) and their refusals are shown next
to the field they name."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements.access import achievements_visible_to
from techtransfer.achievements.choices import AchievementStatus, PlanIndustry
from techtransfer.core.forms import StyledForm, ValueMessagesMixin, date_input, datetime_input
from techtransfer.core.ids import parse_id
from techtransfer.core.instants import DateTimeField
from techtransfer.core.models import Membership, Organisation, User
from techtransfer.market.access import listable_achievements
from techtransfer.market.choices import DepositStatus, ListingMode
from techtransfer.market.models import Listing
from techtransfer.market.services import AuctionInput, ListingInput

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0")}


def my_organisations(user: User) -> list[Organisation]:
    return [
        m.organisation
        for m in Membership.objects.filter(user=user, is_active=True).select_related("organisation")
        if m.organisation.type != "government"
    ]


class OrganisationChoiceMixin:
    """An `organisation` select limited to the user's own (non-government) organisations."""

    def _set_organisations(self, user: User) -> None:
        orgs = my_organisations(user)
        field = self.fields["organisation"]  # type: ignore[attr-defined]
        field.choices = [(o.pk, o.name) for o in orgs]
        if len(orgs) == 1:
            self.initial.setdefault("organisation", orgs[0].pk)  # type: ignore[attr-defined]


class ListingForm(ValueMessagesMixin, OrganisationChoiceMixin, StyledForm):
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    achievement = forms.TypedChoiceField(
        label=_("Published achievement"), coerce=int, required=False, empty_value=None,
        help_text=_("Or leave empty and give patent numbers below."),
    )  # fmt: skip
    patent_numbers = forms.CharField(label=_("Patent numbers"), max_length=200, required=False)
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, help_text=_("Defaults to the achievement's name.")
    )
    description = forms.CharField(
        label=_("Description"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=ListingMode.choices)
    industry = forms.ChoiceField(label=_("Industry"), choices=[("", "—"), *PlanIndustry.choices], required=False)
    price_min = forms.DecimalField(label=_("Asking price from (10,000 yuan)"), required=False, **MONEY)  # type: ignore[arg-type]
    price_max = forms.DecimalField(label=_("Asking price to (10,000 yuan)"), required=False, **MONEY)  # type: ignore[arg-type]
    price_negotiable = forms.BooleanField(label=_("Price negotiable"), required=False, initial=True)
    listed_from = forms.DateField(label=_("Listed from"), widget=date_input())
    listed_until = forms.DateField(label=_("Listed until"), widget=date_input())

    def __init__(self, *args: Any, user: User, listing: Listing | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_organisations(user)
        org_ids = [o.pk for o in my_organisations(user)]
        # The achievements the user may put on the market (their organisations' admins: the service's
        # rule), and, editing a listing, the one it already has (a member keeps the admin's choice).
        listable = listable_achievements(user).filter(organisation_id__in=org_ids)
        # The newest 500 first (a university holds thousands), plus the one asked for (`?achievement=`,
        # the record being edited, or the one posted), so that no published record is out of reach.
        recent = list(listable.order_by("-published_at", "-pk").values_list("pk", "name")[:500])
        shown = {pk for pk, _name in recent}
        # parse_id: "²" passes isdigit() but not int(), and 20 digits overflow the id column (a 500).
        asked = (parse_id(self.initial.get("achievement")), parse_id(self.data.get(self.add_prefix("achievement"))))
        wanted_ids = [pk for pk in dict.fromkeys(asked) if pk is not None and pk not in shown]
        extra = list(listable.filter(pk__in=wanted_ids).values_list("pk", "name")) if wanted_ids else []
        kept = listing.achievement_id if listing is not None else None
        if kept is not None and kept not in shown and kept not in {pk for pk, _name in extra}:
            published = achievements_visible_to(user).filter(status=AchievementStatus.PUBLISHED, pk=kept)
            extra = [*published.values_list("pk", "name"), *extra]
        self.fields["achievement"].choices = [("", "—"), *extra, *recent]  # type: ignore[attr-defined]
        today = timezone.localdate()
        self.initial.setdefault("listed_from", today)
        self.initial.setdefault("listed_until", today + datetime.timedelta(days=180))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("achievement") and not (data.get("patent_numbers") or "").strip():
            self.add_error("achievement", _("Choose a published achievement or give the patent numbers."))
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error("price_max", _("The lowest asking price must not exceed the highest."))
        start, end = data.get("listed_from"), data.get("listed_until")
        if start and end and end < start:
            self.add_error("listed_until", _("The listing must end on or after the day it starts."))
        return data

    def values(self) -> ListingInput:
        d = self.cleaned_data
        return ListingInput(
            mode=d["mode"], listed_from=d["listed_from"], listed_until=d["listed_until"],
            achievement_id=d.get("achievement"), patent_numbers=d.get("patent_numbers", ""), title=d.get("title", ""),
            description=d.get("description", ""), industry=d.get("industry", ""), price_min=d.get("price_min"),
            price_max=d.get("price_max"), price_negotiable=bool(d.get("price_negotiable")),
        )  # fmt: skip


class AttachmentForm(StyledForm):
    file = forms.FileField(label=_("Material (PDF or image)"))


class ReviewForm(StyledForm):
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class InterestForm(ValueMessagesMixin, OrganisationChoiceMixin, StyledForm):
    organisation = forms.TypedChoiceField(label=_("On behalf of"), coerce=int)
    message = forms.CharField(
        label=_("Message"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_organisations(user)


class DealForm(ValueMessagesMixin, OrganisationChoiceMixin, StyledForm):
    organisation = forms.TypedChoiceField(label=_("Buyer"), coerce=int)
    amount = forms.DecimalField(
        label=_("Proposed amount (10,000 yuan)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    # Shown (ticked to go on) only when the amount is far from the asking price (`clean`).
    confirm_amount = forms.BooleanField(label=_("The amount is right"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, listing: Listing | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_organisations(user)
        self.listing = listing

    def clean(self) -> dict[str, Any]:
        """An amount ten times above the asking price or ten times below it is most likely in yuan,
        not 10,000 yuan (a QA pass proposed 2,500,000 for a 200–300 listing: 250 亿元 on the contract):
        said, and proposed only once the buyer ticks that it is right."""
        data = super().clean() or {}
        amount, listing = data.get("amount"), self.listing
        asked = [p for p in (listing.price_min, listing.price_max) if p is not None] if listing else []
        far = amount is not None and asked and (amount > 10 * max(asked) or 10 * amount < min(asked))
        if far and not data.get("confirm_amount"):
            self.fields["confirm_amount"].widget = forms.CheckboxInput(attrs={"class": "form-check-input"})
            self.add_error(
                "amount",
                _(
                    "%(amount)s (10,000 yuan) is far from the asking price of %(asked)s (10,000 yuan): check "
                    "the unit. Tick “The amount is right” to propose it anyway."
                )
                % {"amount": f"{amount:,}", "asked": "–".join(f"{p:,}" for p in dict.fromkeys(asked))},
            )
        return data


class CancelForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class AuctionForm(ValueMessagesMixin, StyledForm):
    reserve_price = forms.DecimalField(label=_("Reserve price (10,000 yuan)"), **MONEY)  # type: ignore[arg-type]
    min_increment = forms.DecimalField(
        label=_("Minimum increment (10,000 yuan)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    starts_at = DateTimeField(label=_("Starts at"), widget=datetime_input())
    ends_at = DateTimeField(label=_("Ends at"), widget=datetime_input())
    extension_window_minutes = forms.IntegerField(
        label=_("Extension window (minutes)"), min_value=0, max_value=120, initial=5
    )
    extension_minutes = forms.IntegerField(label=_("Extension (minutes)"), min_value=1, max_value=120, initial=5)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The auction must end after it starts."))
        elif data.get("ends_at") and data["ends_at"] <= timezone.now():  # it was scheduled, then failed unseen
            self.add_error("ends_at", _("The auction must end in the future."))
        return data

    def values(self) -> AuctionInput:
        return AuctionInput(**self.cleaned_data)


class DepositForm(ValueMessagesMixin, StyledForm):
    organisation = forms.TypedChoiceField(label=_("Bidder"), coerce=int)
    status = forms.ChoiceField(label=_("Deposit"), choices=DepositStatus.choices)

    def __init__(self, *args: Any, bidders: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in bidders]  # type: ignore[attr-defined]


class BidForm(ValueMessagesMixin, OrganisationChoiceMixin, StyledForm):
    organisation = forms.TypedChoiceField(label=_("Bidder"), coerce=int)
    amount = forms.DecimalField(
        label=_("Bid (10,000 yuan)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_organisations(user)
