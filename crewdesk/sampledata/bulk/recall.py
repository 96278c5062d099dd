"""How good is the duplicate check, measured rather than guessed: for near-duplicates whose
original is known (written by generate_data), does the check find the original (recall), and
how much of what it answers is right (precision)?"""

import random
import time
from collections import Counter
from collections.abc import Iterable, Sequence

from django.db.models import Prefetch

from crewdesk.clients.duplicates import BLOCK_SCORE, ClientDraft, find_duplicates
from crewdesk.clients.models import Client, ClientPhone

CHUNK = 500  # duplicates loaded per query


def measure_duplicate_check(
    company_id: int,
    truth_pairs: Iterable[Sequence],
    sample: int | None = None,
    *,
    min_score: int = BLOCK_SCORE,
    seed: int = 0,
) -> dict:
    """Run the duplicate check for each recorded near-duplicate (or a sample of them), as if
    it were being typed again, and compare the answer with the truth.

    `truth_pairs` are (duplicate_id, original_id) or (duplicate_id, original_id, mutations)
    where mutations is a ";"-joined list of what was changed ("name:typo_last;email:missing").

    - recall: share of duplicates whose original is among the candidates;
    - precision: share of returned candidates that are the original or another recorded copy
      of the same original (micro average over all candidates returned).
    Misses and wrong candidates are broken down by mutation and by reason, to show why."""
    pairs = [(int(p[0]), int(p[1]), p[2] if len(p) > 2 else "") for p in truth_pairs]
    copies_of: dict[int, set[int]] = {}
    for duplicate_id, original_id, _how in pairs:
        copies_of.setdefault(original_id, set()).add(duplicate_id)
    if sample is not None and sample < len(pairs):
        pairs = random.Random(seed).sample(pairs, sample)  # noqa: S311

    found = returned = relevant_returned = 0
    timings: list[float] = []
    by_mutation: Counter = Counter()
    missed_by_mutation: Counter = Counter()
    missed_examples: list[dict] = []
    wrong_reasons: Counter = Counter()
    wrong_examples: list[dict] = []
    for start in range(0, len(pairs), CHUNK):
        chunk = pairs[start : start + CHUNK]
        clients = Client.objects.filter(
            company_id=company_id, id__in=[d for d, _o, _h in chunk]
        ).prefetch_related(
            Prefetch("phones", queryset=ClientPhone.objects.order_by("position", "id"))
        )
        by_id = {c.id: c for c in clients}
        for duplicate_id, original_id, how in chunk:
            duplicate = by_id.get(duplicate_id)
            if duplicate is None:
                continue  # merged or deleted since
            draft = ClientDraft.of(duplicate)
            began = time.perf_counter()
            candidates = find_duplicates(
                company_id, draft, exclude=[duplicate_id], min_score=min_score
            )
            timings.append(time.perf_counter() - began)
            same = {original_id} | copies_of.get(original_id, set())
            ids = [c.client.id for c in candidates]
            mutations = [m for m in how.split(";") if m]
            by_mutation.update(mutations)
            if original_id in ids:
                found += 1
            else:
                missed_by_mutation.update(mutations)
                if len(missed_examples) < 20:
                    missed_examples.append(
                        {"duplicate": duplicate_id, "original": original_id, "mutations": how}
                    )
            returned += len(ids)
            for candidate in candidates:
                if candidate.client.id in same:
                    relevant_returned += 1
                else:
                    wrong_reasons[" + ".join(candidate.reasons)] += 1
                    if len(wrong_examples) < 20:
                        wrong_examples.append(
                            {
                                "duplicate": duplicate_id,
                                "candidate": candidate.client.id,
                                "score": candidate.score,
                                "reasons": candidate.reasons,
                            }
                        )
    measured = len(timings)
    timings.sort()
    return {
        "duplicates": measured,
        "found": found,
        "recall": found / measured if measured else 0.0,
        "returned": returned,
        "relevant_returned": relevant_returned,
        "precision": relevant_returned / returned if returned else 1.0,
        "min_score": min_score,
        "ms_p50": 1000 * timings[measured // 2] if measured else 0.0,
        "ms_p95": 1000 * timings[min(measured - 1, int(measured * 0.95))] if measured else 0.0,
        "by_mutation": dict(by_mutation),
        "missed_by_mutation": dict(missed_by_mutation),
        "missed_examples": missed_examples,
        "wrong_reasons": dict(wrong_reasons.most_common()),
        "wrong_examples": wrong_examples,
    }


def summary_line(result: dict) -> str:
    return (
        f"recall {100 * result['recall']:.1f}% precision {100 * result['precision']:.1f}% "
        f"over {result['duplicates']:,} duplicates"
    )
