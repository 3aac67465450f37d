from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "techtransfer.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from django.apps import apps

        from techtransfer.audit.hooks import register_after_event
        from techtransfer.search import jobs, periodic  # noqa: F401  (reindex job kind, catch-up)
        from techtransfer.search.outbox import on_objects_changed

        # Each app's search.py registers its declarations when imported.
        for config in apps.get_app_configs():
            if config.name.startswith("techtransfer.") and config.name != self.name:
                try:
                    __import__(f"{config.name}.search")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.search":
                        raise
        register_after_event(on_objects_changed)
        from techtransfer.search.subscriptions import register_change_labels

        register_change_labels()
