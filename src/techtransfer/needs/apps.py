from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeedsConfig(AppConfig):
    name = "techtransfer.needs"
    label = "needs"
    verbose_name = _("Technology needs and challenges")

    def ready(self) -> None:
        register_audit_scopes()
        register_change_labels()


def register_change_labels() -> None:
    """The audit log names the keys the challenges' services write in events' changes that are no field of
    the event's object. Proposals stay numbers: their titles are the solvers' (government never reads them)."""
    from techtransfer.audit.templatetags.audit_tags import ChangeLabel, register_change_labels

    register_change_labels(
        "needs.challenge",
        {
            # [[name, weight], ...] in order (`create_challenge`).
            "criteria": ChangeLabel(
                _("criteria and weights"),
                columns=("name", "weight"),
                keys={k: ChangeLabel(like=f"needs.criterion.{k}") for k in ("name", "weight")},
            ),
            "expert": _("expert"),
            "conflicts": _("proposals with a conflict of interest (no.)"),
            "note": ChangeLabel(like="needs.expert.conflict_note"),
            "shortlist": _("shortlisted proposals (no.)"),
            "winners": _("winning proposals (no.)"),
            "amounts": _("awards (yuan)"),
        },
    )
    register_change_labels("needs.proposal", {"expert": _("expert"), "total": ChangeLabel(like="needs.score.total")})


def register_audit_scopes() -> None:
    """Government reads the events of the needs, challenges and proposals it may open (never a draft
    need, nor a solver's proposal)."""
    from techtransfer.audit import scopes
    from techtransfer.needs.access import needs_visible_to
    from techtransfer.needs.challenge_access import all_proposals_visible_to, challenges_visible_to

    scopes.register("needs.need", needs_visible_to)
    scopes.register("needs.challenge", challenges_visible_to)
    scopes.register("needs.proposal", all_proposals_visible_to)
