from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxTask(models.Model):
    """Background work promised by a committed transaction and not yet handed to the broker.

    Written in the same transaction as the change that needs the work (``core.tasks.enqueue_on_commit``)
    and deleted once the broker took the message; if the broker was down, the periodic
    ``core.tasks.resend_outbox`` hands it over when it is back. No committed work is lost.
    """

    task = models.CharField(max_length=200, verbose_name=_("task"))
    args = models.JSONField(default=list, verbose_name=_("arguments"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created"))
    # Set while a sweeper is sending the row, so two sweepers never send it twice.
    claimed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("claimed"))
    attempts = models.PositiveIntegerField(default=0, verbose_name=_("attempts"))

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The sweeper: unclaimed rows, oldest first.
            models.Index(fields=["claimed_at", "created_at"], name="core_outbox_sweep_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"
