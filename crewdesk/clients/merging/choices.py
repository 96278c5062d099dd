"""What a merge keeps: for each field, the client whose value the survivor takes, worked out
from the office's choices into a plan before anything is written."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from crewdesk.clients import services
from crewdesk.clients.models import Client

# Choices that are not a client field.
CHOICE_PHONES = "phones"
CHOICE_ADDRESS = "address"
CHOICE_PRIMARY_CONTACT = "primary_contact"
CHOICE_ALL = "all"  # phones: keep every number; internal notes: keep every text
ADDRESS_FIELDS = ("street", "street2", "city", "region", "postal_code", "country")
RELATION_FIELDS = tuple(services.CLIENT_RELATIONS)  # parent, referred_by, brand
MERGE_FIELDS = services.CLIENT_FIELDS + RELATION_FIELDS

MSG_BAD_SOURCE = gettext_lazy("Choose one of the clients being merged.")
MSG_UNKNOWN_FIELD = gettext_lazy("This is not a field a merge can choose.")


@dataclass
class MergePlan:
    """The survivor's new values, worked out from the choices before anything is written."""

    fields: dict
    phones: list[tuple[str, str]]
    primary_contact_client: int | None


def _source(choice, by_id: dict[int, Client], field: str) -> Client:
    try:
        return by_id[int(choice)]
    except (KeyError, ValueError, TypeError):
        raise ValidationError({field: [MSG_BAD_SOURCE]}) from None


def phones_of(client: Client) -> list[tuple[str, str]]:
    return [(p.kind, p.number) for p in client.phones.order_by("position", "id")]


def merge_plan(survivor: Client, clients: list[Client], choices: dict) -> MergePlan:
    by_id = {c.pk: c for c in clients}
    merged_ids = {c.pk for c in clients} - {survivor.pk}
    fields: dict = {}
    phones = phones_of(survivor)
    primary_from = None
    for name, choice in choices.items():
        if name == CHOICE_PHONES:
            if choice == CHOICE_ALL:
                phones, seen = [], set()
                for client in clients:  # the survivor first
                    for kind, number in phones_of(client):
                        if number not in seen:
                            seen.add(number)
                            phones.append((kind, number))
            else:
                phones = phones_of(_source(choice, by_id, name))
        elif name == CHOICE_PRIMARY_CONTACT:
            primary_from = _source(choice, by_id, name).pk
        elif name == CHOICE_ADDRESS:
            source = _source(choice, by_id, name)
            fields.update({f: getattr(source, f) for f in ADDRESS_FIELDS})
        elif name == "notes" and choice == CHOICE_ALL:
            texts = [c.notes.strip() for c in clients if c.notes.strip()]
            fields["notes"] = "\n\n".join(dict.fromkeys(texts))
        elif name in RELATION_FIELDS:
            fields[f"{name}_id"] = getattr(_source(choice, by_id, name), f"{name}_id")
        elif name in MERGE_FIELDS:
            fields[name] = getattr(_source(choice, by_id, name), name)
        else:
            raise ValidationError({name: [MSG_UNKNOWN_FIELD]})
    # A pointer to a client being merged would point to the survivor: to itself.
    for name in ("parent", "referred_by"):
        value = fields.get(f"{name}_id", getattr(survivor, f"{name}_id"))
        if value in merged_ids or value == survivor.pk:
            fields[f"{name}_id"] = None
    return MergePlan(fields, phones, primary_from)
