from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared kernel: imports no app of ours, so every app may import it."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core import converters  # noqa: F401 - registers the bounded id converter for every urls.py
