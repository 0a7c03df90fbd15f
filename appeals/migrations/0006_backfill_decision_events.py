"""The audit trail for decisions made before it existed: "made" for each, "reversed" for reversed ones
(by the staff member whose overturn reversed it, with their reply as the reason)."""

from django.db import migrations


def backfill(apps, schema_editor):
    Decision = apps.get_model("appeals", "Decision")
    DecisionEvent = apps.get_model("appeals", "DecisionEvent")
    Appeal = apps.get_model("appeals", "Appeal")
    for decision in Decision.objects.all():
        DecisionEvent.objects.get_or_create(
            decision=decision,
            kind="created",
            defaults={"actor_id": decision.decided_by_id, "reason": decision.summary, "at": decision.created_at},
        )
        if decision.state == "reversed":
            overturn = Appeal.objects.filter(decision=decision, state="overturned").order_by("decided_at").first()
            DecisionEvent.objects.get_or_create(
                decision=decision,
                kind="reversed",
                defaults={
                    "actor_id": overturn.decided_by_id if overturn else None,
                    "appeal": overturn,
                    "reason": overturn.reply if overturn else "Reversed before the audit trail was kept.",
                    "at": decision.reversed_at,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("appeals", "0005_ledger_audit_and_guards")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
