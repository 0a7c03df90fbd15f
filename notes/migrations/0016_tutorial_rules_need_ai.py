"""The default regular expressions name AI (or AIGC, C2PA) explicitly: "remove the watermark from my
photo" is not a label-removal tutorial. Phrases are compared on letters and digits only."""

from django.db import migrations

OLD = [
    r"(remove|strip|delete|erase)\s+(the\s+)?(ai\s+)?(watermark|content credentials|c2pa|aigc label)",
    r"(去除|去掉|删除|抹掉)\s*(ai|人工智能)?\s*(水印|标识|隐式标识)",
]
NEW = [
    (
        r"(remov|strip|delet|eras|bypass|hid)\w*\W+(the\W+|an?\W+)?(ai|aigc|c2pa)\W*"
        r"(generated\W+)?(watermarks?|labels?|marks?|marking|content credentials|detection|detectors?)",
        "English: removing or evading AI marks",
    ),
    (
        r"(去除|去掉|删除|抹掉|移除|消除|绕过|规避)\s*(ai|aigc|人工智能|c2pa)\s*(生成)?\s*(水印|标识|标签|检测|隐式标识)",
        "中文：去除或规避AI标识",
    ),
]


def forward(apps, schema_editor):
    TutorialRule = apps.get_model("notes", "TutorialRule")
    TutorialRule.objects.filter(pattern__in=OLD, kind="regex").delete()
    for pattern, description in NEW:
        TutorialRule.objects.get_or_create(pattern=pattern, kind="regex", defaults={"description": description})


def backward(apps, schema_editor):
    TutorialRule = apps.get_model("notes", "TutorialRule")
    TutorialRule.objects.filter(pattern__in=[p for p, _d in NEW], kind="regex").delete()


class Migration(migrations.Migration):
    dependencies = [("notes", "0015_reports")]

    operations = [migrations.RunPython(forward, backward)]
