"""What an edit changed (crewdesk/core/changes.py), as the client, property and company
services log it."""

import datetime
from decimal import Decimal

from crewdesk.core.changes import apply_changes, log_value
from crewdesk.core.models import Company


def test_log_values_are_what_json_holds():
    assert [log_value(v) for v in (None, True, 3, "x")] == [None, True, 3, "x"]
    assert log_value(Decimal("8.25")) == "8.25"
    assert log_value(datetime.date(2027, 1, 2)) == "2027-01-02"
    assert log_value(Company(name="Acme")) == str(Company(name="Acme"))


def test_only_what_differs_is_set_and_answered_before_and_after():
    company = Company(name="Acme", currency="USD", default_tax_rate=Decimal("8.25"))
    changes = apply_changes(
        company, {"name": "Acme", "currency": "EUR", "default_tax_rate": Decimal("7.5")}
    )
    assert changes == {"currency": ["USD", "EUR"], "default_tax_rate": ["8.25", "7.5"]}
    assert (company.name, company.currency, company.default_tax_rate) == (
        "Acme",
        "EUR",
        Decimal("7.5"),
    )
    assert apply_changes(company, {"currency": "EUR"}) == {}
