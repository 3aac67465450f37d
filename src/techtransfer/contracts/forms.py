"""Forms of contract registration: the contract with its figures, one form per party, decisions.

`ContractForm` is the one validation of contract data for pages; the API reuses the service checks
(`services._check_data`) through the same `amounts` rules.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements.registration_numbers import RegistrationNumberField
from techtransfer.achievements.selectors import registered_achievement_id
from techtransfer.contracts.amounts import amount_problems
from techtransfer.contracts.choices import (
    RECOGNITION_CHECKLIST,
    SUBTYPES,
    ContractSubtype,
    ContractType,
    NatureCode,
    PartyRole,
)
from techtransfer.contracts.errors import ContractErrors
from techtransfer.contracts.models import Contract
from techtransfer.contracts.services import (
    deal_amount_problem,
    is_country_code,
    signing_problem,
    unusual_amount_problem,
)
from techtransfer.contracts.templatetags.contracts_tags import money
from techtransfer.core import uscc
from techtransfer.core.errors import DomainError
from techtransfer.core.forms import USCC_MESSAGES, StyledForm, StyledModelForm, ValueMessagesMixin, date_input
from techtransfer.core.ids import typed_number
from techtransfer.core.models import Organisation, Region
from techtransfer.core.plausible import confirmation_request
from techtransfer.market.models import Deal

MONEY_HELP = _("In yuan, with at most two decimal places.")


def ask_amount_confirmation(form: forms.BaseForm, problem: DomainError) -> None:
    """Say, at the contract amount, why it is asked (`deal_amount_problem`: it differs from the linked
    deal's; `unusual_amount_problem`: below 1,000 yuan or 100 million yuan or more) and show the “The
    amount is right” box that lets it through."""
    form.fields["confirm_amount"].widget = forms.CheckboxInput(attrs={"class": "form-check-input"})
    details = problem.details
    amount = money(Decimal(details["contract_amount"]))
    if problem.error == ContractErrors.AMOUNT_UNUSUAL:
        form.add_error("contract_amount", confirmation_request(details["unusual"], amount, _("The contract amount")))
        return
    form.add_error(
        "contract_amount",
        _(
            "The contract amount of %(amount)s yuan differs from the amount agreed in the deal, "
            "%(deal)s (10,000 yuan) = %(agreed)s yuan: check the unit. Tick “The amount is right” to "
            "save it anyway."
        )
        % {"amount": amount, "deal": details["deal_amount"], "agreed": money(Decimal(details["agreed_amount"]))},
    )


def deal_label(deal: Deal) -> str:
    return _("Deal #%(pk)s · %(title)s · %(buyer)s · %(amount)s (10,000 yuan)") % {
        "pk": deal.pk,
        "title": deal.listing.title,
        "buyer": deal.buyer.name,
        "amount": deal.amount,
    }


class ContractForm(ValueMessagesMixin, StyledModelForm):
    achievement_number = RegistrationNumberField(
        label=_("Achievement registration number"),
        required=False,
        help_text=_("Optional: the registered achievement this contract transfers."),
    )
    # Shown (ticked to go on) only when the amount differs from the linked deal's (`clean`).
    confirm_amount = forms.BooleanField(label=_("The amount is right"), required=False, widget=forms.HiddenInput)

    class Meta:
        model = Contract
        fields = (
            "name", "contract_type", "subtype", "tech_field", "ip_type", "plan_category", "signed_on", "term_start",
            "term_end", "contract_amount", "non_technical_costs", "carrier_costs", "carrier_note", "summary",
            "deal", "deal_reference",
        )  # fmt: skip
        widgets = {
            "signed_on": date_input(),
            "term_start": date_input(),
            "term_end": date_input(),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "non_technical_costs": _("Equipment, instruments, parts, raw materials bought under the contract."),
            "carrier_costs": _(
                "Of the non-technical costs, the direct cost of a reasonable quantity of items that carry the "
                "technology (合理数量标的物); it stays in the technology transaction amount."
            ),
        }

    def __init__(self, *args: Any, deals: QuerySet[Deal] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        deal_field = self.fields["deal"]
        assert isinstance(deal_field, forms.ModelChoiceField)
        deal_field.queryset = deals if deals is not None else Deal.objects.none()
        deal_field.label_from_instance = deal_label  # type: ignore[method-assign,assignment]
        deal_field.help_text = _("Optional: the agreed market deal this contract carries out (your listings only).")
        for name in ("non_technical_costs", "carrier_costs"):
            self.fields[name].required = False
        if self.instance.pk and self.instance.achievement_id and not self.is_bound:
            self.initial["achievement_number"] = self.instance.achievement.registration_number or ""
        # The subtypes under their contract type (the page's script offers only the chosen type's).
        types, subtypes = dict(ContractType.choices), dict(ContractSubtype.choices)
        self.fields["subtype"].choices = [("", "---------")] + [  # type: ignore[attr-defined]
            (types[ctype], [(s, subtypes[s]) for s in values]) for ctype, values in SUBTYPES.items()
        ]

    def clean_achievement_number(self) -> int | None:
        # Read by the field as the achievements app reads it: ３６０２… and 3602 0261 0001 are numbers.
        number = self.cleaned_data.get("achievement_number") or ""
        if not number:
            return None
        pk = registered_achievement_id(number)
        if pk is None:
            raise forms.ValidationError(_("No registered achievement has this number."))
        return pk

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("non_technical_costs", "carrier_costs"):
            if data.get(name) is None and name not in self.errors:
                data[name] = Decimal(0)
        if not any(f in self.errors for f in ("contract_amount", "non_technical_costs", "carrier_costs")):
            for p in amount_problems(
                data.get("contract_amount"),
                data.get("non_technical_costs"),
                data.get("carrier_costs"),
                data.get("carrier_note") or "",
            ):
                self.add_error(p.field, p.message)
        ctype, subtype = data.get("contract_type") or "", data.get("subtype") or ""
        allowed = SUBTYPES.get(ctype, ())
        if ctype and allowed and subtype not in allowed:
            self.add_error("subtype", _("Choose a subtype of this contract type."))
        elif ctype and not allowed and subtype:
            self.add_error("subtype", _("This contract type has no subtypes."))
        start, end = data.get("term_start"), data.get("term_end")
        if start and end and end < start:
            self.add_error("term_end", _("The term must end on or after it starts."))
        problem = signing_problem(data.get("signed_on"), start)
        if problem is not None and problem.details["field"] not in self.errors:
            self.add_error(problem.details["field"], problem.message)
        self._check_amount(data)
        return data

    def _check_amount(self, data: dict[str, Any]) -> None:
        """The service's rules (`services.deal_amount_problem`, `services.unusual_amount_problem`), said
        with the other errors of the form: an amount other than the deal's agreed amount (converted to
        yuan), or with no deal an unusual one, is saved only once the seller ticks that it is right."""
        deal, amount = data.get("deal"), data.get("contract_amount")
        if amount is None or "contract_amount" in self.errors or data.get("confirm_amount"):
            return
        saved = (self.instance.deal_id, self.instance.contract_amount)
        if self.instance.pk and (deal.pk if deal else None, amount) == saved:
            return  # unchanged: confirmed when it was saved (the service asks again only on a change)
        problem = deal_amount_problem(deal.amount, amount) if deal is not None else unusual_amount_problem(amount)
        if problem is not None:
            ask_amount_confirmation(self, problem)

    def amount_confirmed(self) -> bool:
        """Whether the seller ticked “The amount is right” (passed to the service as `confirm_amount`)."""
        return bool(self.cleaned_data.get("confirm_amount"))

    def values(self) -> dict[str, Any]:
        """Service input (`services.DATA_FIELDS`)."""
        d = self.cleaned_data
        out = {k: d[k] for k in self.Meta.fields if k != "deal"}
        out["achievement_id"] = d.get("achievement_number")
        out["deal_id"] = d["deal"].pk if d.get("deal") else None
        return out


SELLER_FIXED = ("name", "uscc", "region")


class PartyForm(ValueMessagesMixin, StyledForm):
    """One party (prefix seller / buyer / intermediary). The seller's name, code and region are the
    registering organisation's: its form has no such fields."""

    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)
    region = forms.CharField(
        label=_("Region code (GB/T 2260)"), max_length=6, required=False, help_text=_("6 digits, e.g. 360121.")
    )
    nature = forms.ChoiceField(label=_("Entity type"), choices=NatureCode.choices, initial=NatureCode.ENTERPRISE)
    country = forms.CharField(label=_("Country code (ISO 3166)"), max_length=3, initial="CHN")
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=64, required=False)
    controlling_uscc = forms.CharField(
        label=_("Credit code of the controlling organisation"),
        max_length=18,
        required=False,
        help_text=_("Optional; must be an organisation on the platform."),
    )

    def __init__(self, *args: Any, required: bool = True, **kwargs: Any) -> None:
        self.party_required = required
        super().__init__(*args, **kwargs)
        if self.prefix == PartyRole.SELLER:
            # The registering organisation, as registered (`services._set_parties`): not typed here.
            for name in SELLER_FIXED:
                del self.fields[name]

    def clean_uscc(self) -> str:
        code = uscc.normalise(self.cleaned_data.get("uscc", ""))
        if code and (problem := uscc.problem(code)):
            raise forms.ValidationError(USCC_MESSAGES[problem])
        return code

    def clean_region(self) -> Region | None:
        code = typed_number(self.cleaned_data.get("region", ""))  # ３６０１２１ is 360121, as the credit code reads
        if not code:
            return None
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise forms.ValidationError(_("Unknown administrative division code."))
        return region

    def clean_country(self) -> str:
        country = self.cleaned_data.get("country", "").strip().upper() or "CHN"
        if not is_country_code(country):
            raise forms.ValidationError(_("Enter a country's three-letter ISO 3166 code, e.g. CHN or DEU."))
        return country

    def clean_controlling_uscc(self) -> Organisation | None:
        code = uscc.normalise(self.cleaned_data.get("controlling_uscc", ""))
        if not code:
            return None
        org = Organisation.objects.filter(uscc=code).first()
        if org is None:
            raise forms.ValidationError(_("No organisation on the platform has this credit code."))
        return org

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.prefix == PartyRole.SELLER:
            return data
        if self.party_required and not (data.get("name") or "").strip():
            self.add_error("name", _("This field is required."))
        named = bool((data.get("name") or "").strip())
        missing_region = data.get("country") == "CHN" and not data.get("region") and "region" not in self.errors
        if named and missing_region and self.party_required:
            self.add_error("region", _("Parties in China need a region code."))
        return data

    def values(self) -> dict[str, Any]:
        d = self.cleaned_data
        region = d.get("region")
        ctrl = d.get("controlling_uscc")
        return {
            "name": (d.get("name") or "").strip(),
            "uscc": d.get("uscc") or "",
            "region_id": region.code if region is not None else None,
            "nature": d.get("nature") or NatureCode.ENTERPRISE,
            "country": d.get("country") or "CHN",
            "legal_representative": (d.get("legal_representative") or "").strip(),
            "controlling_organisation_id": ctrl.pk if ctrl is not None else None,
        }


def party_initial(contract: Contract, role: str) -> dict[str, Any]:
    p = next((p for p in contract.parties.all() if p.role == role), None)
    if p is None:
        return {}
    return {
        "name": p.name,
        "uscc": p.uscc,
        "region": p.region_id or "",
        "nature": p.nature,
        "country": p.country,
        "legal_representative": p.legal_representative,
        "controlling_uscc": p.controlling_organisation.uscc if p.controlling_organisation else "",
    }


class FileForm(StyledForm):
    file = forms.FileField(label=_("Signed contract (PDF)"))


class DecisionForm(StyledForm):
    """Register or refuse: the recognition checklist plus a comment or reason."""

    reason = forms.CharField(
        label=_("Comment or reason"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in RECOGNITION_CHECKLIST:
            self.fields[f"check_{key}"] = forms.BooleanField(label=label, required=False)  # type: ignore[arg-type]
        from techtransfer.core.forms import style_fields

        style_fields(self)

    def checklist(self) -> dict[str, bool]:
        return {key: bool(self.cleaned_data.get(f"check_{key}")) for key, _label in RECOGNITION_CHECKLIST}


class AmendForm(ValueMessagesMixin, StyledForm):
    contract_amount = forms.DecimalField(label=_("Contract amount (yuan)"), max_digits=16, decimal_places=2)
    # Shown (ticked to go on) only when the service finds the new amount differs from the linked deal's.
    confirm_amount = forms.BooleanField(label=_("The amount is right"), required=False, widget=forms.HiddenInput)
    non_technical_costs = forms.DecimalField(
        label=_("Non-technical costs (yuan)"), max_digits=16, decimal_places=2, min_value=0
    )
    carrier_costs = forms.DecimalField(
        label=_("Of which the cost of a reasonable quantity of goods supplied (yuan)"),
        max_digits=16,
        decimal_places=2,
        min_value=0,
    )
    carrier_note = forms.CharField(label=_("Carrier justification"), max_length=500, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=1000)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            for p in amount_problems(
                data.get("contract_amount"),
                data.get("non_technical_costs"),
                data.get("carrier_costs"),
                data.get("carrier_note") or "",
            ):
                self.add_error(p.field if p.field in self.fields else None, p.message)
        return data


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=1000)
