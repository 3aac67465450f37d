from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AchievementsConfig(AppConfig):
    name = "techtransfer.achievements"
    label = "achievements"
    verbose_name = _("Achievements registry")

    def ready(self) -> None:
        # Register the daily maintenance and the job kinds (import, export, report reminders).
        from techtransfer.achievements import jobs, periodic, report_jobs  # noqa: F401

        register_audit_scopes()
        register_change_labels()


def register_change_labels() -> None:
    """The audit log names the keys this app's services write in events' changes that are no field of the
    event's object (a reminder's addresses, a catalogue's entry, an attachment's type), and the keys of
    the rows and dicts they hold (a contributor's, an IP item's, an inventor's, a catalogue's filters)."""
    from django.utils.translation import pgettext_lazy

    from techtransfer.achievements.services import CONTRIBUTOR_FIELDS, IP_FIELDS
    from techtransfer.audit.templatetags.audit_tags import ChangeLabel, register_change_labels, register_key_labels

    attachment = {"attachment": _("attachment"), "mime": _("file type"), "size": _("size (bytes)")}
    register_change_labels(
        "achievements.achievement",
        {
            **attachment,
            # [before rows, after rows], each row a list of the values of its columns (`_set_children`).
            "contributors": ChangeLabel(
                _("contributors"), pair=True, columns=CONTRIBUTOR_FIELDS,
                keys={k: ChangeLabel(like=f"achievements.contributor.{k}") for k in CONTRIBUTOR_FIELDS},
            ),
            "ip_items": ChangeLabel(
                _("intellectual property"), pair=True, columns=IP_FIELDS,
                keys={k: ChangeLabel(like=f"achievements.ipitem.{k}") for k in IP_FIELDS},
            ),
            "recipients": _("recipients"),  # how many were reminded of the validity's end
        },
    )  # fmt: skip
    register_change_labels(
        "achievements.fundedproject",
        {
            "sent_on": ChangeLabel(like="achievements.reportreminder.sent_on"),
            "recipients": ChangeLabel(like="achievements.reportreminder.recipients"),
            "reminder": _("reminder no."),  # its name is the project and the day, which the event shows
        },
    )
    register_change_labels(
        "achievements.catalogue",
        {
            # An achievement added to or taken from a catalogue is public: named by its name.
            "achievement": ChangeLabel(_("achievement"), model="achievements.achievement", pair=True),
            "achievements": ChangeLabel(_("achievements"), model="achievements.achievement"),
            "added": _("achievements added"),
            "position": ChangeLabel(_("position"), pair=True),
            "organisation": ChangeLabel(_("organisation"), model="core.organisation", pair=True),
        },
    )
    register_key_labels("achievements.catalogue", "criteria", catalogue_criteria_labels())
    # A disclosure's inventors: [{"name", "share", "affiliation"}, ...] (`disclosures.clean_inventors`).
    register_key_labels(
        "achievements.disclosure",
        "inventors",
        # As the disclosure's page heads its table of inventors.
        {"name": pgettext_lazy("person", "Name"), "share": _("Share"), "affiliation": _("Affiliation")},
    )
    # The demo publishing (`achievements.demo`) writes its event on the organisation.
    register_change_labels(
        "core.organisation",
        {
            "published": _("records published"),
            "first_id": _("first record no."),
            "last_id": _("last record no."),
        },
    )


def catalogue_criteria_labels() -> dict[str, Any]:
    """The labels of a catalogue's filters (`CatalogueCriteria.as_json()`, as the `catalogue.add_entries`
    event and each set of `Catalogue.criteria` hold them): the filter form's labels, a choice by its label
    (a discipline in the page's language); the discipline category, which the form does not offer; and
    the count and time each stored set carries."""
    from techtransfer.achievements.catalogue_forms import CatalogueFilterForm
    from techtransfer.achievements.choices import discipline_choices
    from techtransfer.audit.templatetags.audit_tags import ChangeLabel

    labels: dict[str, Any] = {}
    for name, field in CatalogueFilterForm.base_fields.items():
        choices = discipline_choices if name == "discipline" else getattr(field, "choices", None)
        labels[name] = ChangeLabel(field.label, choices=choices)
        if name == "discipline":
            labels["discipline_category"] = _("Discipline category")
    labels["added"] = _("achievements added")
    labels["at"] = ChangeLabel(_("Time"), like="audit.auditevent.created_at")
    return labels


def register_audit_scopes() -> None:
    """Government reads the events of the records it may open: achievements once submitted to it,
    disclosures shown to government, catalogues, and the programmes its department runs."""
    from techtransfer.achievements.access import achievements_visible_to
    from techtransfer.achievements.catalogue_access import catalogues_visible_to
    from techtransfer.achievements.disclosure_access import disclosures_visible_to
    from techtransfer.achievements.models import AchievementRevision, FundedProject, ProjectReport
    from techtransfer.achievements.report_access import programmes_visible_to
    from techtransfer.audit import scopes

    scopes.register("achievements.achievement", achievements_visible_to)
    scopes.register(
        "achievements.achievementrevision",
        lambda user: AchievementRevision.objects.filter(achievement__in=achievements_visible_to(user)),
    )
    scopes.register("achievements.disclosure", disclosures_visible_to)
    scopes.register("achievements.catalogue", catalogues_visible_to)
    scopes.register("achievements.fundingprogramme", programmes_visible_to)
    scopes.register(
        "achievements.fundedproject",
        lambda user: FundedProject.objects.filter(programme__in=programmes_visible_to(user)),
    )
    scopes.register(
        "achievements.projectreport",
        lambda user: ProjectReport.objects.filter(project__programme__in=programmes_visible_to(user)),
    )
