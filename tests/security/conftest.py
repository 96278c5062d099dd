import pytest


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Note files and CSV imports are written under a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
