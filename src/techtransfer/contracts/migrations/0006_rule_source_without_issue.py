"""The Jiangxi subsidy rule's source note named an internal ticket ("按 issue 6 的摘要"), shown to
officials on the subsidies page: it now says what the figures are."""

from django.db import migrations

OLD = "江西省 2020 年网上常设技术市场交易补助，按 issue 6 的摘要："
NEW = "江西省 2020 年网上常设技术市场交易补助："


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    rules = apps.get_model("contracts", "SubsidyRule").objects.filter(source__startswith=OLD)
    for rule in rules:
        rule.source = NEW + rule.source[len(OLD) :]
        rule.save(update_fields=["source"])


class Migration(migrations.Migration):
    dependencies = [("contracts", "0005_sources_in_chinese")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
