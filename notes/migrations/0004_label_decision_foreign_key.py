"""Label.decision becomes a real foreign key to the decision that attached the label."""

from django.db import migrations, models
import django.db.models.deletion


def copy(apps, schema_editor):
    Label = apps.get_model("notes", "Label")
    Decision = apps.get_model("appeals", "Decision")
    known = set(Decision.objects.values_list("pk", flat=True))
    for label in Label.objects.exclude(legacy_decision_id=None):
        if label.legacy_decision_id in known:
            label.decision_id = label.legacy_decision_id
            label.save(update_fields=["decision"])
        else:  # a label without its decision has nothing to rest on; the next rebuild agrees
            label.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0003_note_evidence_shown_imagescan_provenancesignal"),
        ("appeals", "0006_backfill_decision_events"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="label", name="notes_label_platform_has_decision"),
        migrations.RenameField(model_name="label", old_name="decision_id", new_name="legacy_decision_id"),
        migrations.AddField(
            model_name="label",
            name="decision",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="labels",
                to="appeals.decision",
            ),
        ),
        migrations.RunPython(copy, migrations.RunPython.noop),
        migrations.RemoveField(model_name="label", name="legacy_decision_id"),
    ]
