"""The yearbook series' and the Jiangxi subsidy rule's source notes in Chinese (they were English on
the Chinese pages)."""

from django.db import migrations

OLD_PROVINCE = (
    "China Statistical Yearbook on Science and Technology, via github.com/127ww/nqp-spatial-development "
    "(MIT), contracts/data/province_year_2011_2023.csv"
)
OLD_NATIONAL = (
    "China Statistics Yearbook on S&T, sum of 31 provinces, via github.com/myppqk88/"
    "Mapping-Open-Science-Policy-in-China (CC BY 4.0), contracts/data/national_sum_of_31_provinces_1998_2024.csv"
)
RULE = "江西省网上常设技术市场交易补助（2020）"
RULE_SOURCE = (
    "江西省 2020 年网上常设技术市场交易补助，按 issue 6 的摘要：买方 2.5%，每项不超过 15 万元、每单位每年不超过"
    " 100 万元；向省内买方转让的卖方 1.5%，10 万元 / 50 万元；中介机构 1%，10 万元 / 30 万元。发放前请核对官方通知。"
)


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    from techtransfer.contracts.history import NATIONAL_SOURCE, PROVINCE_SOURCE

    turnover = apps.get_model("contracts", "HistoricalTurnover").objects
    turnover.filter(source=OLD_PROVINCE).update(source=PROVINCE_SOURCE)
    turnover.filter(source=OLD_NATIONAL).update(source=NATIONAL_SOURCE)
    rule = apps.get_model("contracts", "SubsidyRule").objects.filter(name=RULE, source__startswith="Jiangxi 2020")
    rule.update(source=RULE_SOURCE)


class Migration(migrations.Migration):
    dependencies = [("contracts", "0004_contract_deal")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
