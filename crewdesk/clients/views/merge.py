"""Client pages: merge (see urls.py)."""

urlpatterns: list = []
