"""The activity reads (crewdesk/core/selectors.py): the company's log, and the timeline of one
record that the client profile, the property page and the job page show."""

import pytest
from django.core.exceptions import PermissionDenied

from crewdesk.core.events import activity_record
from crewdesk.core.selectors import record_activity_list


def verbs(entries) -> list[str]:
    """The entries' verbs, without the ones the test's own setup wrote."""
    return [e.verb for e in entries if e.verb != "client.created"]


def test_a_records_timeline_is_its_own_entries_newest_first(owner, make_client):
    ann, bea = make_client(first_name="Ann"), make_client(first_name="Bea")
    first = activity_record(company=owner.company, actor=owner.user, verb="a", target=ann)
    activity_record(company=owner.company, actor=owner.user, verb="b", target=bea)
    # The same id on another kind of record is another record.
    activity_record(company=owner.company, actor=owner.user, verb="c", target=owner.company)
    last = activity_record(company=owner.company, actor=owner.user, verb="d", target=ann)
    assert verbs(record_activity_list(viewer=owner, record=ann)) == ["d", "a"]
    assert list(record_activity_list(viewer=owner, record=ann))[:2] == [last, first]


def test_the_history_of_merged_records_continues_on_the_survivor(owner, make_client):
    ann, old = make_client(first_name="Ann"), make_client(first_name="Old")
    activity_record(company=owner.company, actor=owner.user, verb="old", target=old)
    activity_record(company=owner.company, actor=owner.user, verb="new", target=ann)
    entries = record_activity_list(viewer=owner, record=ann, merged_ids=[old.pk])
    assert verbs(entries) == ["new", "old"]


def test_only_the_viewers_company_and_only_for_who_may_see_activity(
    owner, employee, outsider, make_client
):
    ann = make_client(first_name="Ann")
    activity_record(company=outsider.company, actor=outsider.user, verb="x", target=ann)
    assert "x" not in verbs(record_activity_list(viewer=owner, record=ann))
    with pytest.raises(PermissionDenied):
        record_activity_list(viewer=employee, record=ann)


def test_the_brands_are_the_viewers_companys(owner, customer, outsider):
    from crewdesk.core.models import Brand
    from crewdesk.core.selectors import brand_list

    ours = Brand.objects.create(company=owner.company, name="Acme Express")
    Brand.objects.create(company=outsider.company, name="Bravo")

    for viewer in (owner, customer):
        assert ours in brand_list(viewer=viewer)
        assert all(b.company_id == owner.company_id for b in brand_list(viewer=viewer))
