"""Notes published before traffic existed get the ranking score of a normal note (weight 1), so the
ranked feed orders them by freshness at once; `manage.py traffic_rebuild` then derives their full
weights and factors (README "Traffic")."""

from django.conf import settings
from django.db import migrations


def backfill(apps, schema_editor):
    Note = apps.get_model("notes", "Note")
    half_life = settings.SUNLIGHT_TRAFFIC["HALF_LIFE_HOURS"] * 3600.0
    for note in Note.objects.filter(state="published", rank_score=0).only("pk", "published_at").iterator():
        Note.objects.filter(pk=note.pk).update(rank_score=note.published_at.timestamp() / half_life)


class Migration(migrations.Migration):
    dependencies = [("notes", "0008_traffic")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
