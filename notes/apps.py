from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotesConfig(AppConfig):
    name = "notes"
    verbose_name = _("Notes")

    def ready(self) -> None:
        from appeals import effects
        from notes import checks  # noqa: F401 - registers the traffic settings check
        from notes.services.effects import (
            account_decision_effects,
            comment_decision_effects,
            note_decision_effects,
        )

        # Notes show the effects of decisions about notes (labels, removal, reach) and, through
        # their author, of decisions about accounts.
        effects.register("note", note_decision_effects)
        effects.register("account", account_decision_effects)
        effects.register("comment", comment_decision_effects)

        from accounts.notifications import register
        from notes.notification_kinds import report_reviewed

        register("report", report_reviewed)

        from appeals import workspace
        from notes.moderation import note_panel

        workspace.register("note", note_panel)
