"""Statement-of-reasons fields captured when a decision is made, with honest values for old rows.

Every decision before this migration came from the provenance pipeline (automated detection and
decision, the "mark AI content" rule, on the platform's own initiative), or was made by a person
where ``automated_decision`` was false.
"""

from django.db import migrations, models


def fill(apps, schema_editor):
    Decision = apps.get_model("appeals", "Decision")
    for decision in Decision.objects.all():
        decision.automated_detection_level = "fully" if decision.automated_detection else "none"
        decision.automated_decision_level = "fully" if decision.automated_decision else "none"
        decision.ground = "incompatible"
        decision.rule_code = (
            "ai_label_missing" if decision.kind in ("label_confirmed", "label_suspected") else "other"
        )
        decision.content_type = "account" if decision.subject_type == "account" else "synthetic_media"
        decision.source = "own_initiative"
        decision.territorial_scope = ["*"]
        decision.save(
            update_fields=[
                "automated_detection_level",
                "automated_decision_level",
                "ground",
                "rule_code",
                "content_type",
                "source",
                "territorial_scope",
            ]
        )


class Migration(migrations.Migration):
    dependencies = [("appeals", "0003_appeals_vouchers")]

    operations = [
        migrations.RemoveConstraint(model_name="decision", name="appeals_decision_human_named"),
        migrations.AddField(
            model_name="decision",
            name="automated_detection_level",
            field=models.CharField(default="none", max_length=10),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="decision",
            name="automated_decision_level",
            field=models.CharField(default="none", max_length=10),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="decision",
            name="rule_code",
            field=models.CharField(default="other", max_length=32),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="decision",
            name="ground",
            field=models.CharField(default="incompatible", max_length=16),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="decision",
            name="content_type",
            field=models.CharField(default="synthetic_media", max_length=16),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="decision",
            name="source",
            field=models.CharField(default="own_initiative", max_length=16),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="decision",
            name="territorial_scope",
            field=models.JSONField(default=list),
        ),
        migrations.AddField(
            model_name="decision",
            name="expired_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="expired at"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RemoveField(model_name="decision", name="automated_detection"),
        migrations.RemoveField(model_name="decision", name="automated_decision"),
        migrations.RenameField(
            model_name="decision", old_name="automated_detection_level", new_name="automated_detection"
        ),
        migrations.RenameField(
            model_name="decision", old_name="automated_decision_level", new_name="automated_decision"
        ),
    ]
