"""What an edit changed, in the shape the activity log keeps and the change history shows:
{field: [before, after]}, with values JSON can hold."""

from typing import Any

from django.db.models import Model


def log_value(value: Any) -> str | int | bool | None:
    """A value as the log keeps it: None, booleans, whole numbers and text as they are;
    anything else (a date, an amount, a record) as its text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def apply_changes(instance: Model, values: dict[str, Any]) -> dict[str, list]:
    """Set each field of `instance` named in `values` (not saved); answer what changed as
    {field: [before, after]}. A field set to the value it has is not a change."""
    changes = {}
    for name, value in values.items():
        before = getattr(instance, name)
        if before != value:
            changes[name] = [log_value(before), log_value(value)]
            setattr(instance, name, value)
    return changes
