"""Client pages: directory (see urls.py)."""

urlpatterns: list = []
