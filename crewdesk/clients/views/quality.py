"""Client pages: quality (see urls.py)."""

urlpatterns: list = []
