from decimal import Decimal

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    SubsidyRule = apps.get_model("contracts", "SubsidyRule")
    SubsidyRule.objects.get_or_create(
        name="江西省网上常设技术市场交易补助（2020）",
        defaults={
            "province_code": "36",
            "year_from": 2020,
            "buyer_rate": Decimal("0.0250"),
            "buyer_project_cap": Decimal("150000.00"),
            "buyer_unit_year_cap": Decimal("1000000.00"),
            "seller_rate": Decimal("0.0150"),
            "seller_project_cap": Decimal("100000.00"),
            "seller_unit_year_cap": Decimal("500000.00"),
            "seller_requires_local_buyer": True,
            "agency_rate": Decimal("0.0100"),
            "agency_project_cap": Decimal("100000.00"),
            "agency_unit_year_cap": Decimal("300000.00"),
            "source": (
                "Jiangxi 2020 online technology market trade subsidy, as summarised in issue 6 "
                "(buyer 2.5% ≤15万/project ≤100万/unit-year; seller to a Jiangxi buyer 1.5% 10万/50万; "
                "agency 1% 10万/30万). Check the official notice before paying anything."
            ),
        },
    )


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("contracts", "SubsidyRule").objects.filter(name="江西省网上常设技术市场交易补助（2020）").delete()


class Migration(migrations.Migration):
    dependencies = [("contracts", "0002_load_history")]

    operations = [migrations.RunPython(forwards, backwards)]
