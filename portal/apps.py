from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Transparency")

    def ready(self) -> None:
        from appeals import effects
        from appeals.models import Decision
        from portal import checks, schema  # noqa: F401 - registers the system checks and OpenAPI extensions
        from portal.statements import on_decision_changed

        for subject_type in Decision.SubjectType.values:
            effects.register(subject_type, on_decision_changed)
