"""The duplicate check's recall and precision, measured against the recorded near-duplicates."""

from crewdesk.sampledata.bulk.recall import measure_duplicate_check, summary_line


def test_recall_and_precision_are_measured_against_the_recorded_truth(owner, generated):
    result = measure_duplicate_check(owner.company_id, generated.truth)
    assert result["duplicates"] == 9
    assert result["found"] == round(result["recall"] * 9)
    assert 0 <= result["precision"] <= 1
    assert summary_line(result).startswith("recall ")
    # Measured on this seed (both databases): every original is found, nothing else returned.
    # At 100,000 clients the numbers are lower (see the issue note): generic mailbox names
    # ("info@", "office@") flood the candidate set, and namesakes share an email's local part.
    assert result["recall"] >= 0.95
    assert result["precision"] >= 0.9


def test_a_sample_measures_that_many(owner, generated):
    result = measure_duplicate_check(owner.company_id, generated.truth, sample=4)
    assert result["duplicates"] == 4
