"""The ledger holds after every billing and payments test: an autouse fixture, imported by
tests/billing/conftest.py and tests/payments/conftest.py, that runs payments/ledger.py's rules
on what the test left, before its transaction is rolled back, and fails the test on any
violation."""

import pytest

from crewdesk.payments.ledger import ledger_violations


def _uses_database(request) -> bool:
    return bool(
        request.node.get_closest_marker("django_db") or "_django_db_helper" in request.fixturenames
    )


@pytest.fixture(autouse=True)
def ledger_holds(request):
    uses_database = _uses_database(request)
    if uses_database:
        # Set up the database first, so it is torn down (rolled back) after this check.
        request.getfixturevalue("_django_db_helper")
    yield
    if uses_database and not getattr(request.node, "ledger_corrupted_on_purpose", False):
        violations = ledger_violations()
        assert not violations, "the ledger broke:\n" + "\n".join(map(str, violations))
