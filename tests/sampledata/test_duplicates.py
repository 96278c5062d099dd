"""Near-duplicates: double entries as an office types them, each keeping a strong signal."""

import random
from collections import Counter

from crewdesk.clients import normalize as n
from crewdesk.sampledata.bulk.client_maker import ClientMaker
from crewdesk.sampledata.bulk.duplicates import near_duplicate


def test_near_duplicates_keep_one_strong_signal_and_stay_valid():
    maker = ClientMaker(random.Random(7), tag_ids=[1, 2])
    seen = Counter()
    for _ in range(800):
        original = maker.client()
        duplicate, changes = near_duplicate(maker, original)
        seen.update(changes)
        same_email = bool(duplicate.email) and n.email_normal(duplicate.email.lower()) == (
            n.email_normal(original.email)
        )
        same_phone = bool(
            set(dict(duplicate.phones).values()) & set(dict(original.phones).values())
        )
        same_address = bool(original.street) and (
            n.words(duplicate.street),
            duplicate.postal_code,
        ) == (n.words(original.street), original.postal_code)
        assert same_email or same_phone or same_address, changes
        assert duplicate.email or duplicate.phones
    # Every kind of double entry the issue names happens.
    for change in (
        "name:typo_last",
        "name:swapped",
        "email:other_domain",
        "email:missing",
        "phone:reformatted",
        "company:suffix_case",
    ):
        assert seen[change] > 0, change
