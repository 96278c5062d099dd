"""Client pages: profile (see urls.py)."""

urlpatterns: list = []
