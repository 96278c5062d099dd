"""Client pages: transfer (see urls.py)."""

urlpatterns: list = []
