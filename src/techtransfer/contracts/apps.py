from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "techtransfer.contracts"
    label = "contracts"
    verbose_name = _("Technology contract registration")

    def ready(self) -> None:
        from techtransfer.audit.templatetags.audit_tags import register_key_labels
        from techtransfer.contracts import market_hooks, panels  # noqa: F401  (deal guard; achievement panel)
        from techtransfer.contracts.choices import RECOGNITION_CHECKLIST

        # The audit log names the recognition conditions of a decision's checklist, not their keys.
        register_key_labels("contracts.contract", "checklist", dict(RECOGNITION_CHECKLIST))
        register_change_labels()
        register_audit_scopes()


def register_change_labels() -> None:
    """The audit log reads a contract's parties (`services.party_rows`, [before rows, after rows]) row by
    row, each column as the party's field labels and reads it (a role or nature by its label)."""
    from techtransfer.audit.templatetags.audit_tags import ChangeLabel, register_change_labels
    from techtransfer.contracts.services import PARTY_COLUMNS

    columns = {c: ChangeLabel(like=f"contracts.contractparty.{c}") for c in PARTY_COLUMNS if c != "region"}
    # The region as its code (GB/T 2260): its name would cost a query a row.
    columns["region"] = ChangeLabel(_("region code"))
    keys = {c: columns[c] for c in PARTY_COLUMNS}
    register_change_labels(
        "contracts.contract",
        {"parties": ChangeLabel(_("parties"), pair=True, columns=PARTY_COLUMNS, keys=keys)},
    )


def register_audit_scopes() -> None:
    """Government reads the events of the contracts it may open (never a draft), and of the rules."""
    from techtransfer.audit import scopes
    from techtransfer.contracts.access import contracts_visible_to
    from techtransfer.contracts.models import ContractAmendment, SubsidyRule

    scopes.register("contracts.contract", contracts_visible_to)
    scopes.register(
        "contracts.contractamendment",
        lambda user: ContractAmendment.objects.filter(contract__in=contracts_visible_to(user)),
    )
    scopes.register("contracts.subsidyrule", lambda user: SubsidyRule.objects.all())
