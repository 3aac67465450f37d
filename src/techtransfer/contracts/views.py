"""Contract pages: my contracts, create and edit, detail with the signed file, the registration
queue and the officials' decisions (register, refuse, amend, cancel)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import DecimalField, Field, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from techtransfer.contracts import access, selectors, services
from techtransfer.contracts.choices import (
    SUBTYPES,
    ContractStatus,
    PartyRole,
    contract_type_for_listing_mode,
)
from techtransfer.contracts.errors import UNCONFIRMED_CONDITION, ContractErrors
from techtransfer.contracts.filters import ContractFilterSet
from techtransfer.contracts.forms import (
    AmendForm,
    ContractForm,
    DecisionForm,
    FileForm,
    PartyForm,
    ReasonForm,
    ask_amount_confirmation,
    party_initial,
)
from techtransfer.contracts.models import Contract, ContractAmendment
from techtransfer.contracts.selectors import deals_open_for_contract
from techtransfer.contracts.templatetags.contracts_tags import money
from techtransfer.core import once
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.forms import apply_domain_error, style_fields
from techtransfer.core.ids import parse_id
from techtransfer.core.models import Membership, Organisation, User
from techtransfer.core.roles import is_member
from techtransfer.market import access as market_access
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
    user: User = request.user  # type: ignore[assignment]
    qs = (
        selectors.registration_queue(user)
        .select_related("organisation", "seller_region", "registration_point")
        .prefetch_related("flags")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for c in page:
        # One badge per kind: two circular deals with other contracts are one thing to examine here.
        c.flag_kinds = list(dict.fromkeys(str(f.get_kind_display()) for f in c.flags.all()))  # type: ignore[attr-defined]
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
                    actor=user, organisation_id=org_id, data=form.values(), parties=_parties_values(parties),
                    confirm_amount=form.amount_confirmed(),
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
    nature = services.party_nature(org.uscc, org)  # it stayed "enterprise" for an institute
    return {"name": org.name, "uscc": org.uscc, "region": org.region_id or "", "nature": nature}


def _show_error(form: ContractForm, parties: dict[str, PartyForm], exc: DomainError) -> None:
    if exc.error in (ContractErrors.AMOUNT_DIFFERS, ContractErrors.AMOUNT_UNUSUAL):
        ask_amount_confirmation(form, exc)
        return
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
                confirm_amount=form.amount_confirmed(),
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
    return render(request, "contracts/detail.html", _detail_context(request, _fetch(request, pk)))


def _detail_context(
    request: HttpRequest,
    contract: Contract,
    *,
    decision_form: DecisionForm | None = None,
    amend_form: AmendForm | None = None,
    reason_form: ReasonForm | None = None,
) -> dict[str, Any]:
    """The contract page; a form given (bound, with its errors) replaces the blank one."""
    user: User = request.user  # type: ignore[assignment]
    flags = list(contract.flags.select_related("related_contract"))
    for f in flags:
        # The days between the two signings of a circular deal, shown in the page's language.
        other = f.related_contract
        f.gap_days = abs((other.signed_on - contract.signed_on).days) if other is not None else None  # type: ignore[attr-defined]
    deal = contract.deal
    can_edit = access.can_on_contract(user, contract, "edit")
    can_register = access.can_on_contract(user, contract, "register")
    own = can_register and services.decides_own_contract(user, contract)
    return {
        "c": contract,
        "parties": list(contract.parties.select_related("region", "controlling_organisation")),
        "flags": flags,
        "amendments": [(m, amendment_rows(m)) for m in contract.amendments.select_related("actor")],
        # Its history, for the registering organisation's members and the registration officials.
        "timeline": selectors.timeline(contract) if can_register or is_member(user, contract.organisation_id) else [],
        # The path links only to what the viewer may open (a buyer-region official may not see the deal).
        "listing_link": deal is not None and market_access.can_on_listing(user, deal.listing, "view"),
        "deal_link": deal is not None and market_access.can_on_deal(user, deal, "view"),
        "can_edit": can_edit,
        # Submitting is refused until the organisation is verified: the page says so instead.
        "can_submit": can_edit and not services.awaits_verification(contract),
        "submit_blocked": _submit_blocked(user, contract, can_edit=can_edit),
        "can_decide": can_register and not own,
        "own_record": own,
        "file_form": FileForm(),
        "decision_form": decision_form or DecisionForm(),
        "amend_form": amend_form
        or AmendForm(
            prefix="amend",
            initial={
                "contract_amount": contract.contract_amount,
                "non_technical_costs": contract.non_technical_costs,
                "carrier_costs": contract.carrier_costs,
                "carrier_note": contract.carrier_note,
            },
        ),
        "reason_form": reason_form or ReasonForm(prefix="cancel"),
        "subsidies": _subsidies(contract),
    }


def _submit_blocked(user: User, contract: Contract, *, can_edit: bool) -> str:
    """Why a contract its editor would submit offers no Submit: its organisation is not verified yet.
    Told only to the organisation's members ("your organisation"); a platform admin sees the status
    alone."""
    if can_edit and services.awaits_verification(contract) and is_member(user, contract.organisation_id):
        return str(ContractErrors.ORG_NOT_VERIFIED.message)
    return ""


def _shown(field: Field[Any, Any] | None, value: Any) -> str:
    """A value kept in an amendment, as the contract page shows it: amounts as money, choices by
    their label."""
    if value is None or value == "":
        return "—"
    if isinstance(field, DecimalField):
        try:
            return money(Decimal(str(value)))
        except InvalidOperation:
            return str(value)
    choices = dict(field.flatchoices) if field is not None and field.choices else {}
    if value in choices:
        return str(choices[value])
    if field is None and value in ContractStatus.values:
        return str(ContractStatus(value).label)
    return str(value)


def _same_number(before: Any, after: Any) -> bool:
    try:
        return Decimal(str(before)) == Decimal(str(after))
    except InvalidOperation:
        return False


def amendment_rows(m: ContractAmendment) -> list[tuple[str, str, str]]:
    """(field's verbose name, before, after) of one amendment, in the order of the contract's fields."""
    order = {f.name: i for i, f in enumerate(Contract._meta.fields)}
    rows = []
    for name in sorted({*m.before, *m.after}, key=lambda n: (order.get(n, len(order)), n)):
        try:
            field: Any = Contract._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        if isinstance(field, DecimalField) and _same_number(m.before.get(name), m.after.get(name)):
            continue  # kept as "0" and "0.00" by amendments made before the service compared numbers
        label = capfirst(field.verbose_name) if field is not None else name
        shown_field = None if name == "status" else field
        rows.append((str(label), _shown(shown_field, m.before.get(name)), _shown(shown_field, m.after.get(name))))
    return rows


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
    """Submit, register, refuse, amend or cancel. A form with errors comes back on the contract page
    (status 400) with what was typed and each error at its field; success redirects to the page."""
    user: User = request.user  # type: ignore[assignment]
    action = request.POST.get("action", "")
    contract = _fetch(request, pk)
    try:
        if action == "submit":
            services.submit_contract(actor=user, contract_id=contract.pk)
            messages.success(request, _("Submitted to the registration office."))
            return redirect("contracts:detail", contract.pk)
        if action not in ("register", "refuse", "amend", "cancel"):
            raise Http404
        if not access.can_on_contract(user, contract, "register"):
            raise DomainError(Errors.NOT_FOUND)  # told as "you may not do this" below
        if action in ("register", "refuse"):
            return _decide(request, contract, action)
        if action == "amend":
            return _amend(request, contract)
        return _cancel(request, contract)
    except DomainError as exc:
        messages.error(request, exc.refusal)
    return redirect("contracts:detail", contract.pk)


def _refused(request: HttpRequest, contract: Contract, **forms: Any) -> HttpResponse:
    return render(request, "contracts/detail.html", _detail_context(request, contract, **forms), status=400)


def _decide(request: HttpRequest, contract: Contract, action: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _refused(request, contract, decision_form=form)
    reason = form.cleaned_data.get("reason", "")
    try:
        if action == "register":
            services.register_contract(actor=user, contract_id=contract.pk, checklist=form.checklist(), comment=reason)
        else:
            services.refuse_contract(actor=user, contract_id=contract.pk, reason=reason, checklist=form.checklist())
    except DomainError as exc:
        if exc.error == ContractErrors.CHECKLIST:
            form.add_error(None, exc.message)
            for key in exc.details.get("missing", []):
                form.add_error(f"check_{key}", UNCONFIRMED_CONDITION)
        elif exc.details.get("field") == "reason":
            form.add_error("reason", exc.message)
        else:
            raise
        return _refused(request, contract, decision_form=form)
    messages.success(request, _("Registered.") if action == "register" else _("Refused."))
    return redirect("contracts:detail", contract.pk)


def _amend(request: HttpRequest, contract: Contract) -> HttpResponse:
    form = AmendForm(request.POST, prefix="amend")
    if not form.is_valid():
        return _refused(request, contract, amend_form=form)
    values = dict(form.cleaned_data)
    reason = values.pop("reason")
    confirmed = bool(values.pop("confirm_amount", False))
    try:
        services.amend_contract(
            actor=request.user,  # type: ignore[arg-type]
            contract_id=contract.pk,
            changes=values,
            reason=reason,
            confirm_amount=confirmed,
        )
    except DomainError as exc:
        if exc.error in (ContractErrors.AMOUNT_DIFFERS, ContractErrors.AMOUNT_UNUSUAL):
            ask_amount_confirmation(form, exc)
        elif exc.error == Errors.VALIDATION:  # nothing changed
            form.add_error(None, _("These are the registered figures already: change one to amend."))
        elif exc.error in (ContractErrors.AMOUNTS, ContractErrors.REASON_REQUIRED, ContractErrors.DATES):
            apply_domain_error(form, exc)
        else:
            raise
        return _refused(request, contract, amend_form=form)
    messages.success(request, _("Amended; the previous figures are kept in the history."))
    return redirect("contracts:detail", contract.pk)


def _cancel(request: HttpRequest, contract: Contract) -> HttpResponse:
    form = ReasonForm(request.POST, prefix="cancel")
    if not form.is_valid():
        return _refused(request, contract, reason_form=form)
    try:
        services.cancel_contract(actor=request.user, contract_id=contract.pk, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
    except DomainError as exc:
        if exc.error != ContractErrors.REASON_REQUIRED:
            raise
        form.add_error("reason", exc.message)
        return _refused(request, contract, reason_form=form)
    messages.success(request, _("The registration is cancelled."))
    return redirect("contracts:detail", contract.pk)
