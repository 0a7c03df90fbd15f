"""The label-removal tutorial rules Sunlight starts with (staff edit them in the admin)."""

from django.db import migrations

RULES = [
    ("remove ai label", "phrase", "English: removing AI labels"),
    ("remove the ai label", "phrase", "English: removing AI labels"),
    ("bypass ai detection", "phrase", "English: evading AI detection"),
    ("strip c2pa", "phrase", "English: removing Content Credentials"),
    (r"(remove|strip|delete|erase)\s+(the\s+)?(ai\s+)?(watermark|content credentials|c2pa|aigc label)", "regex", "English: removing AI marks"),
    ("去除ai标识", "phrase", "中文：去除AI标识"),
    ("去掉ai标识", "phrase", "中文：去掉AI标识"),
    ("绕过ai检测", "phrase", "中文：绕过AI检测"),
    (r"(去除|去掉|删除|抹掉)\s*(ai|人工智能)?\s*(水印|标识|隐式标识)", "regex", "中文：去除AI水印或标识"),
]


def add(apps, schema_editor):
    TutorialRule = apps.get_model("notes", "TutorialRule")
    for pattern, kind, description in RULES:
        TutorialRule.objects.get_or_create(pattern=pattern, kind=kind, defaults={"description": description})


def remove(apps, schema_editor):
    TutorialRule = apps.get_model("notes", "TutorialRule")
    TutorialRule.objects.filter(pattern__in=[p for p, _k, _d in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("notes", "0012_tutorial_rules")]

    operations = [migrations.RunPython(add, remove)]
