"""Fixtures of the sample data tests: a company of generated clients, and a data dir of the
test's own for the near-duplicates' truth file."""

import pytest

from crewdesk.sampledata.bulk.generate_clients import generate_clients

N = 300  # clients of the `generated` company


@pytest.fixture
def generated(owner, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return generate_clients(owner, count=N, seed=42, batch_size=120)


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path  # the near-duplicates' truth file goes there
