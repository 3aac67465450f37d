from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AchievementsConfig(AppConfig):
    name = "techtransfer.achievements"
    label = "achievements"
    verbose_name = _("Achievements registry")

    def ready(self) -> None:
        from techtransfer.achievements import report_jobs  # noqa: F401  (registers reports.remind_overdue)
