from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotesConfig(AppConfig):
    name = "notes"
    verbose_name = _("Notes")

    def ready(self) -> None:
        from appeals import effects
        from notes.services import note_decision_effects

        effects.register("note", note_decision_effects)
