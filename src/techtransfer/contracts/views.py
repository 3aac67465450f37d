"""Contract pages: my contracts, create and edit, detail with the signed file, the registration
queue and the officials' decisions (register, refuse, amend, cancel)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from techtransfer.contracts import access, services
from techtransfer.contracts.choices import (
    SUBTYPES,
    ContractStatus,
    NatureCode,
    PartyRole,
    contract_type_for_listing_mode,
)
from techtransfer.contracts.filters import ContractFilterSet
from techtransfer.contracts.forms import (
    AmendForm,
    ContractForm,
    DecisionForm,
    FileForm,
    PartyForm,
    ReasonForm,
    party_initial,
)
from techtransfer.contracts.models import Contract
from techtransfer.contracts.selectors import deals_open_for_contract
from techtransfer.core import once, uscc
from techtransfer.core.choices import OrganisationType
from techtransfer.core.errors import DomainError
from techtransfer.core.forms import apply_domain_error, style_fields
from techtransfer.core.ids import parse_id
from techtransfer.core.jurisdiction import jurisdiction_q
from techtransfer.core.models import Membership, Organisation, User
from techtransfer.market.models import Deal

S = ContractStatus
PAGE_SIZE = 20

# For the form's script: the subtypes of each contract type.
SUBTYPE_MAP = {ctype: list(values) for ctype, values in SUBTYPES.items()}


def _fetch(request: HttpRequest, pk: int, action: access.ContractAction = "view") -> Contract:
    try:
        return access.get_contract_for_user(request.user, pk, action=action)  # type: ignore[arg-type]
    except DomainError as exc:
        raise Http404 from exc


@login_required
@require_GET
def contract_list(request: HttpRequest) -> HttpResponse:
    fs = ContractFilterSet(request.GET, queryset=access.contracts_visible_to(request.user))  # type: ignore[arg-type]
    style_fields(fs.form)
    page = Paginator(fs.qs if fs.is_valid() else fs.queryset.none(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "contracts/list.html", {"filter": fs, "page": page})


@login_required
@require_GET
def registration_queue(request: HttpRequest) -> HttpResponse:
    from techtransfer.core.choices import Role

    user: User = request.user  # type: ignore[assignment]
    qs = (
        Contract.objects.filter(status=S.SUBMITTED)
        .filter(jurisdiction_q(user, "seller_region", roles=(Role.GOV_REVIEWER,)))
        .select_related("organisation", "seller_region", "registration_point")
        .prefetch_related("flags")
        .order_by("submitted_at", "pk")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "contracts/queue.html", {"page": page})


def _party_forms(data: Any, contract: Contract | None = None) -> dict[str, PartyForm]:
    out = {}
    for role in PartyRole:
        initial = party_initial(contract, role) if contract is not None else {}
        out[role.value] = PartyForm(data, prefix=role.value, initial=initial, required=role == PartyRole.BUYER)
    return out


def _parties_values(forms: dict[str, PartyForm]) -> dict[str, dict[str, Any]]:
    return {role: f.values() for role, f in forms.items()}


def _org_choices(user: User) -> list[tuple[int, str]]:
    return [
        (m.organisation_id, m.organisation.name)
        for m in Membership.objects.filter(user=user, is_active=True).select_related("organisation")
    ]


@login_required
@require_http_methods(["GET", "POST"])
def contract_create(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    orgs = _org_choices(user)
    if not orgs:
        messages.error(request, _("Join or register an organisation first."))
        return redirect("web:workspace")
    data = request.POST or None
    deals = deals_open_for_contract(user)
    form = ContractForm(data, deals=deals)
    parties = _party_forms(data)
    chosen = request.POST.get("organisation") or str(orgs[0][0])
    if data is None and parse_id(request.GET.get("deal", "")) is not None and _deal_from_query(request, deals) is None:
        # A deal that already has its contract (or is not the user's to register): said, not a blank form.
        messages.info(request, _("This deal is not open for a new contract: it has one already, or it is not yours."))
    if data is None and (deal := _deal_from_query(request, deals)) is not None:
        form.initial.update(_initial_from_deal(deal))
        parties[PartyRole.BUYER.value].initial.update(_party_initial(deal.buyer))
        parties[PartyRole.SELLER.value].initial.update(_party_initial(deal.listing.organisation))
        chosen = str(deal.listing.organisation_id)
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in parties.values()):
        org_id = chosen_id if (chosen_id := parse_id(chosen)) in dict(orgs) else orgs[0][0]
        try:
            pk, made = once.create_once(
                user, request.POST, "contracts.contract",
                lambda: services.create_contract(
                    actor=user, organisation_id=org_id, data=form.values(), parties=_parties_values(parties)
                ),
            )  # fmt: skip
        except DomainError as exc:
            _show_error(form, parties, exc)
        else:
            once.tell(request, made, _("Draft saved. Attach the signed contract, then submit it."))
            return redirect("contracts:detail", pk)
    context = {
        "form": form, "parties": parties, "orgs": orgs, "chosen": chosen, "contract": None, "subtypes": SUBTYPE_MAP,
    }  # fmt: skip
    return render(request, "contracts/form.html", context)


def _deal_from_query(request: HttpRequest, deals: QuerySet[Deal]) -> Deal | None:
    raw = request.GET.get("deal", "")
    return deals.filter(pk=deal_id).first() if (deal_id := parse_id(raw)) is not None else None


def _initial_from_deal(deal: Deal) -> dict[str, Any]:
    """The contract draft a deal implies: its title, amount (万元 → yuan), type and achievement."""
    ctype, subtype = contract_type_for_listing_mode(deal.listing.mode)
    achievement = deal.listing.achievement
    return {
        "deal": deal.pk,
        "name": deal.listing.title[:200],
        "contract_amount": deal.amount * 10000,
        "contract_type": ctype,
        "subtype": subtype,
        "achievement_number": achievement.registration_number if achievement is not None else "",
    }


def _party_initial(org: Organisation) -> dict[str, Any]:
    """A party's fields as the organisation's record has them (a deal's buyer, its listing's seller)."""
    return {"name": org.name, "uscc": org.uscc, "region": org.region_id or "", "nature": _nature_of(org)}


# 主体性质 from the credit code's registrant kind (core.uscc), else from the organisation's type.
_NATURE_BY_REGISTRANT = {
    uscc.STATE_ORGAN: NatureCode.STATE_ORGAN,
    uscc.PUBLIC_INSTITUTION: NatureCode.PUBLIC_INSTITUTION,
    uscc.SOCIAL_ORGANISATION: NatureCode.SOCIAL_ORGANISATION,
    uscc.ENTERPRISE: NatureCode.ENTERPRISE,
}
_NATURE_BY_TYPE = {
    OrganisationType.GOVERNMENT: NatureCode.STATE_ORGAN,
    OrganisationType.UNIVERSITY: NatureCode.PUBLIC_INSTITUTION,
    OrganisationType.RESEARCH_INSTITUTE: NatureCode.PUBLIC_INSTITUTION,
    OrganisationType.HOSPITAL: NatureCode.PUBLIC_INSTITUTION,
    OrganisationType.OTHER: NatureCode.OTHER,
}


def _nature_of(org: Organisation) -> str:
    """The party's nature a deal's organisation implies (it stayed "enterprise" for an institute)."""
    kind = uscc.registrant_kind(org.uscc)
    if kind is not None:
        return _NATURE_BY_REGISTRANT[kind]
    return _NATURE_BY_TYPE.get(OrganisationType(org.type), NatureCode.ENTERPRISE)


def _show_error(form: ContractForm, parties: dict[str, PartyForm], exc: DomainError) -> None:
    party = exc.details.get("party")
    if isinstance(party, str) and party in parties:
        field = str(exc.details.get("field", "")).removeprefix(f"{party}_")
        target = parties[party]
        target.add_error(field if field in target.fields else None, exc.message)
        return
    apply_domain_error(form, exc)


@login_required
@require_http_methods(["GET", "POST"])
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _fetch(request, pk, "edit")
    data = request.POST or None
    form = ContractForm(data, instance=contract, deals=deals_open_for_contract(request.user, contract=contract))  # type: ignore[arg-type]
    parties = _party_forms(data, contract)
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in parties.values()):
        try:
            services.update_contract(
                actor=request.user,  # type: ignore[arg-type]
                contract_id=contract.pk,
                data=form.values(),
                parties=_parties_values(parties),
            )
        except DomainError as exc:
            _show_error(form, parties, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("contracts:detail", contract.pk)
    context = {"form": form, "parties": parties, "contract": contract, "subtypes": SUBTYPE_MAP}
    return render(request, "contracts/form.html", context)


@login_required
@require_GET
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _fetch(request, pk)
    user: User = request.user  # type: ignore[assignment]
    context = {
        "c": contract,
        "parties": list(contract.parties.select_related("region", "controlling_organisation")),
        "flags": list(contract.flags.select_related("related_contract")),
        "amendments": [
            (m, [(k, m.before.get(k), m.after.get(k)) for k in sorted({*m.before, *m.after})])
            for m in contract.amendments.select_related("actor")
        ],
        "can_edit": access.can_on_contract(user, contract, "edit"),
        "can_register": access.can_on_contract(user, contract, "register"),
        "file_form": FileForm(),
        "decision_form": DecisionForm(),
        "amend_form": AmendForm(
            initial={
                "contract_amount": contract.contract_amount,
                "non_technical_costs": contract.non_technical_costs,
                "carrier_costs": contract.carrier_costs,
                "carrier_note": contract.carrier_note,
            }
        ),
        "reason_form": ReasonForm(),
        "subsidies": _subsidies(contract),
    }
    return render(request, "contracts/detail.html", context)


def _subsidies(contract: Contract) -> list[Any]:
    if contract.status != S.REGISTERED:
        return []
    from techtransfer.contracts import subsidies

    return subsidies.contract_shares(contract)


@login_required
@require_POST
def contract_file(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _fetch(request, pk, "edit")
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            user: User = request.user  # type: ignore[assignment]
            services.attach_signed_contract(actor=user, contract_id=contract.pk, upload=form.cleaned_data["file"])
        except DomainError as exc:
            messages.error(request, exc.refusal)
        else:
            messages.success(request, _("The signed contract is attached."))
    else:
        messages.error(request, _("Choose a PDF file."))
    return redirect("contracts:detail", contract.pk)


@login_required
@require_GET
def contract_download(request: HttpRequest, pk: int) -> FileResponse:
    contract = _fetch(request, pk)
    if not contract.file:
        raise Http404
    return FileResponse(
        contract.file.open("rb"),
        as_attachment=True,
        filename=f"contract-{contract.pk}.pdf",
        content_type="application/pdf",
    )


@login_required
@require_POST
def contract_action(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    action = request.POST.get("action", "")
    contract = _fetch(request, pk)
    try:
        if action == "submit":
            services.submit_contract(actor=user, contract_id=contract.pk)
            messages.success(request, _("Submitted to the registration point."))
        elif action in ("register", "refuse"):
            form = DecisionForm(request.POST)
            form.is_valid()
            if action == "register":
                services.register_contract(
                    actor=user,
                    contract_id=contract.pk,
                    checklist=form.checklist(),
                    comment=form.cleaned_data.get("reason", ""),
                )
                messages.success(request, _("Registered."))
            else:
                services.refuse_contract(
                    actor=user,
                    contract_id=contract.pk,
                    reason=form.cleaned_data.get("reason", ""),
                    checklist=form.checklist(),
                )
                messages.success(request, _("Refused."))
        elif action == "amend":
            amend = AmendForm(request.POST)
            if not amend.is_valid():
                for errors in amend.errors.values():
                    for e in errors:
                        messages.error(request, str(e))
                return redirect("contracts:detail", contract.pk)
            values = dict(amend.cleaned_data)
            reason = values.pop("reason")
            services.amend_contract(actor=user, contract_id=contract.pk, changes=values, reason=reason)
            messages.success(request, _("Amended; the previous figures are kept in the history."))
        elif action == "cancel":
            services.cancel_contract(actor=user, contract_id=contract.pk, reason=request.POST.get("reason", ""))
            messages.success(request, _("The registration is cancelled."))
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.refusal)
    return redirect("contracts:detail", contract.pk)
