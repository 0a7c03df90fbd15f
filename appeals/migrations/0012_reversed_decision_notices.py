"""Notices of decisions reversed before notices learnt to say so stop offering an appeal: each
"decision" notification about a reversed decision is marked as appeals.notifications now marks them."""

from django.db import migrations


def mark_reversed(apps, schema_editor):
    Decision = apps.get_model("appeals", "Decision")
    Notification = apps.get_model("accounts", "Notification")
    reversed_decisions = Decision.objects.filter(state="reversed").values_list("public_id", "subject_owner_id")
    for public_id, owner_id in reversed_decisions.iterator():
        notices = Notification.objects.filter(recipient_id=owner_id, kind="decision", params__decision=str(public_id))
        for notice in notices:
            if not notice.params.get("reversed"):
                notice.params = {**notice.params, "reversed": True}
                notice.save(update_fields=["params"])


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0011_field_labels_translated"),
        ("accounts", "0006_field_labels_translated"),
    ]

    operations = [migrations.RunPython(mark_reversed, migrations.RunPython.noop)]
