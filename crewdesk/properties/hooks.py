"""What higher apps do when a property changes: the registration points that
properties/services.py calls, filled by those apps in their AppConfig.ready() (the jobs app
registers the jobs that follow a move and the jobs a repeating service makes).

Properties never import the apps that plug in here (DESIGN.md §3, tests/test_layers.py)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PropertyMoveHandler:
    """Records of a higher app that follow a property to its new client."""

    # Their count in the data of the property's "moved" entry ("jobs_moved").
    data_key: str
    # (prop) -> how many would follow if it moved now: the move page says so before.
    would_follow: Callable[..., int]
    # (actor, prop, new_client) -> how many followed; each is moved by the app's own code,
    # with its own event, inside property_move's transaction.
    follow: Callable[..., int]
    # Words for the move page: the rule (given the client's name), the count before the move,
    # and after it.
    rule_text: Callable[[str], str]
    will_follow_text: Callable[[int], str]
    followed_text: Callable[[int], str]


PROPERTY_MOVE_HANDLERS: list[PropertyMoveHandler] = []


@dataclass(frozen=True)
class ServiceScheduleHandler:
    """What a higher app does when a property's repeating service starts, changes its rule
    (or crew, or price) or stops: each called as handler(ps, actor=actor)."""

    started: Callable[..., object]
    changed: Callable[..., object]
    stopped: Callable[..., object]


SERVICE_SCHEDULE_HANDLERS: list[ServiceScheduleHandler] = []
