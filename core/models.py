from __future__ import annotations

from django.db import models
from django.utils import timezone


class OutboxTask(models.Model):
    """Background work promised by a committed transaction and not yet handed to the broker.

    Written in the same transaction as the change that needs the work (``core.tasks.enqueue_on_commit``)
    and deleted once the broker took the message; if the broker was down, the periodic
    ``core.tasks.resend_outbox`` hands it over when it is back. No committed work is lost.
    """

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    # Set while a sweeper is sending the row, so two sweepers never send it twice.
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The sweeper: unclaimed rows, oldest first.
            models.Index(fields=["claimed_at", "created_at"], name="core_outbox_sweep_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"
