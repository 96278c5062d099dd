"""Merging duplicate clients into one (the suspected pairs to review are in
duplicate_pairs.py).

A merge (`client_merge`) keeps one client, the survivor, and moves everything of the others to
it: contacts, notes, tags, reminders, notices, portal users, subsidiaries and referrals, and
every record of a later app that points to a client (found through the model's relations, so
properties, jobs, invoices and payments move without this package knowing them). The
merged-away clients keep their own field values, archived and pointing to the survivor, so
nothing is lost.

- choices.py: the office's choice per field, worked out into a plan;
- records.py: moving and counting each kind of record; MERGE_PREPARERS, filled by later apps;
- merge.py: the merge itself, and the clients a merge page compares.
"""

from crewdesk.clients.merging.choices import (
    ADDRESS_FIELDS,
    CHOICE_ADDRESS,
    CHOICE_ALL,
    CHOICE_PHONES,
    CHOICE_PRIMARY_CONTACT,
)
from crewdesk.clients.merging.merge import MERGE_MAX_CLIENTS, client_merge, merge_clients_get
from crewdesk.clients.merging.records import (
    KIND_LABELS,
    MERGE_PREPARERS,
    kind_label,
    merge_related_counts,
)

__all__ = [
    "ADDRESS_FIELDS",
    "CHOICE_ADDRESS",
    "CHOICE_ALL",
    "CHOICE_PHONES",
    "CHOICE_PRIMARY_CONTACT",
    "KIND_LABELS",
    "MERGE_MAX_CLIENTS",
    "MERGE_PREPARERS",
    "client_merge",
    "kind_label",
    "merge_clients_get",
    "merge_related_counts",
]
