"""The clients part of the API (DESIGN §6)."""

from ninja import Router

router = Router(tags=["clients"])
