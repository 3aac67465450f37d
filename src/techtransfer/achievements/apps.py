from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AchievementsConfig(AppConfig):
    name = "techtransfer.achievements"
    label = "achievements"
    verbose_name = _("Achievements registry")

    def ready(self) -> None:
        # Register the daily maintenance and the job kinds (import, export, report reminders).
        from techtransfer.achievements import jobs, periodic, report_jobs  # noqa: F401
