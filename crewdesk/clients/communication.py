"""A client's communication log: the emails (notifications' Message log) sent about the client
or about one of its records, shown on the profile's Messages tab.

Which records are a client's is known by the apps above (billing: invoices and batches;
payments: payments and their receipts): each registers a MessageRecords in its
AppConfig.ready() saying how to find the client's records and how a log row links to one.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest

from crewdesk.clients.models import Client
from crewdesk.core.permissions import Action, require, scope
from crewdesk.notifications.models import Message

MESSAGES_PER_PAGE = 25


@dataclass(frozen=True)
class MessageRecords:
    """A kind of a client's records that emails are about."""

    model: type[Model]
    of_client: Callable[[Client], QuerySet]  # the client's records (their ids are read)
    url: Callable[[int], str | None]  # a record's page for the office, by its id
    label: Callable[[Model], str] = str  # how a log row names it ("INV-0007")


CLIENT_MESSAGE_RECORDS: list[MessageRecords] = []


def register_message_records(*sources: MessageRecords) -> None:
    for source in sources:
        if all(known.model is not source.model for known in CLIENT_MESSAGE_RECORDS):
            CLIENT_MESSAGE_RECORDS.append(source)


def client_messages(*, viewer, client: Client) -> QuerySet[Message]:
    """The emails about the client or its records, newest first."""
    require(viewer, Action.VIEW_ACTIVITY, client)
    about = Q(related_type=ContentType.objects.get_for_model(Client), related_id=client.pk)
    for source in CLIENT_MESSAGE_RECORDS:
        about |= Q(
            related_type=ContentType.objects.get_for_model(source.model),
            related_id__in=source.of_client(client).values("pk"),
        )
    return scope(Message.objects.filter(about), viewer).order_by("-created_at", "-id")


def _with_links(messages: list[Message]) -> None:
    """Each message with `record_label` and `record_url` for the record it is about."""
    sources = {ContentType.objects.get_for_model(s.model).pk: s for s in CLIENT_MESSAGE_RECORDS}
    wanted: dict[int, set[int]] = {}
    for message in messages:
        if message.related_type_id in sources:
            wanted.setdefault(message.related_type_id, set()).add(message.related_id)
    records = {
        (type_id, record.pk): record
        for type_id, ids in wanted.items()
        for record in sources[type_id].model._default_manager.filter(pk__in=ids)
    }
    for message in messages:
        record = records.get((message.related_type_id, message.related_id))
        source = sources.get(message.related_type_id)
        message.record_label = source.label(record) if record is not None else ""
        message.record_url = source.url(record.pk) if record is not None else None


def messages_tab(request: HttpRequest, client: Client) -> dict:
    """The profile's Messages tab (registered in apps.py)."""
    messages = client_messages(viewer=request.membership, client=client)
    page = Paginator(messages, MESSAGES_PER_PAGE).get_page(request.GET.get("messages_page"))
    _with_links(list(page))
    return {"messages_page": page}
