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
