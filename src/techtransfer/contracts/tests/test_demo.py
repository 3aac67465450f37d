"""The demo loader creates registered demo contracts that the statistics show; idempotent."""

from techtransfer.contracts import selectors
from techtransfer.contracts.demo import load_demo_contracts
from techtransfer.contracts.models import Contract, ContractFlag


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
