"""The demo loader creates registered demo contracts that the statistics show; idempotent."""

from techtransfer.contracts import selectors
from techtransfer.contracts.choices import ip_type_for
from techtransfer.contracts.demo import load_demo_contracts
from techtransfer.contracts.models import Contract, ContractFlag, ContractParty


def test_demo_contracts_fill_the_statistics(db, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    assert load_demo_contracts(12) == 12
    assert load_demo_contracts(12) == 0
    assert Contract.objects.filter(is_demo=True).count() == 12
    registered = Contract.objects.filter(status="registered")
    assert registered.count() == 9  # of 12: nos. 10 and 11 wait for registration, no. 9 is refused
    assert all(c.name.startswith("[演示] ") for c in Contract.objects.all())
    st = selectors.statistics("36", None)
    assert st.output.count == 9
    # Demo organisations trade with each other both ways: some deals are flagged as circular.
    assert set(ContractFlag.objects.values_list("kind", flat=True)) <= {"circular"}


def test_demo_parties_have_the_nature_their_credit_code_says(db, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """12… (the university, the institute, the hospital): public institutions; 52… (the service agency): a
    social organisation; 91…: enterprises. The university was shown as an enterprise (the default)."""
    settings.MEDIA_ROOT = tmp_path
    load_demo_contracts(12)
    natures = {(p.name, p.uscc[:2], p.nature) for p in ContractParty.objects.all()}
    assert natures == {
        ("[演示] 南昌示范大学", "12", "public_institution"),
        ("[演示] 江西示范新材料研究院", "12", "public_institution"),
        ("[演示] 江西示范医院", "12", "public_institution"),
        ("[演示] 江西示范技术转移服务中心", "52", "social_organisation"),
        ("[演示] 赣州示范稀土科技有限公司", "91", "enterprise"),
        ("[演示] 南昌县示范智能装备有限公司", "91", "enterprise"),
        ("[演示] 深圳示范电子有限公司", "91", "enterprise"),
        ("[演示] 杭州示范新能源有限公司", "91", "enterprise"),
    }
    university_as_seller = ContractParty.objects.filter(role="seller", name="[演示] 南昌示范大学")
    assert set(university_as_seller.values_list("nature", flat=True)) == {"public_institution"}


def test_demo_contracts_involve_the_ip_their_subtype_names(db, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A plant-variety transfer was registered as involving a patent (QA: demo contract 40)."""
    settings.MEDIA_ROOT = tmp_path
    load_demo_contracts(40)
    pairs = set(Contract.objects.values_list("contract_type", "subtype", "ip_type"))
    for ctype, subtype, ip_type in pairs:
        assert ip_type == ip_type_for(ctype, subtype)
    # The seeded demo holds these transfers (before: every one registered as involving a patent).
    assert {(s, ip) for t, s, ip in pairs if t == "transfer"} == {
        ("biomedical_variety", "biomedical_variety"), ("other_transfer", "other"), ("plant_variety", "plant_variety"),
    }  # fmt: skip
    assert {ip for t, _s, ip in pairs if t in ("development", "service", "consulting")} == {"none"}
