"""CSV export of the client list as filtered on the page: every matching client, not one page,
read in chunks by id so a million clients stream out without being held in memory."""

import csv
import zoneinfo
from collections.abc import Iterator

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from crewdesk.accounts.models import Membership
from crewdesk.clients.filters import ClientFilters
from crewdesk.clients.importing.cells import csv_safe
from crewdesk.clients.models import Client, ClientPhone, ClientTag, PhoneKind
from crewdesk.clients.normalize import phone_local
from crewdesk.clients.selectors import client_matches
from crewdesk.core.dates import company_zone

CHUNK_SIZE = 1_000


def _headers() -> list[str]:
    # Each name is one the import recognises, so an export reads back in as it is.
    return [
        _("ID"),
        _("Kind"),
        _("First name"),
        _("Last name"),
        _("Company name"),
        _("Billing name"),
        _("Email"),
        _("Primary phone"),
        *(_("%(kind)s phone") % {"kind": label} for _kind, label in PhoneKind.choices),
        _("Street"),
        _("Street 2"),
        _("City"),
        _("Region"),
        _("Postal code"),
        _("Country"),
        _("Client type"),
        _("Lead source"),
        _("Tags"),
        _("Rating"),
        _("Tax exempt"),
        _("Tax id"),
        _("Newsletter"),
        _("Preferred contact"),
        _("Language"),
        _("Notes"),
        _("Created"),
    ]


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _row(client: Client, tz: zoneinfo.ZoneInfo, country: str) -> list:
    phones = list(client.phones.all())
    # The primary phone is repeated in its kind's column: on the way back in, it comes first
    # and takes that kind (a main phone of the import).
    primary = phone_local(phones[0].number, country) if phones else ""
    by_kind = {
        kind: "; ".join(phone_local(p.number, country) for p in phones if p.kind == kind)
        for kind in PhoneKind.values
    }
    tags = ", ".join(link.tag.name for link in client.client_tags.all())
    created = timezone.localtime(client.created_at, tz).strftime("%Y-%m-%d %H:%M")
    return [
        client.pk,
        client.kind,
        client.first_name,
        client.last_name,
        client.company_name,
        client.billing_name,
        client.email,
        primary,
        *(by_kind[kind] for kind in PhoneKind.values),
        client.street,
        client.street2,
        client.city,
        client.region,
        client.postal_code,
        client.country,
        client.client_type,
        client.lead_source,
        tags,
        client.rating,
        _yes_no(client.tax_exempt),
        client.tax_id,
        _yes_no(client.newsletter),
        client.preferred_contact,
        client.language,
        client.notes,
        created,
    ]


class _Line:
    """csv.writer writes into this and gets the line back."""

    def write(self, value: str) -> str:
        return value


def export_csv(actor: Membership, filters: ClientFilters) -> Iterator[str]:
    """The CSV, chunk by chunk: three queries per CHUNK_SIZE clients whatever their size."""
    clients = client_matches(viewer=actor, filters=filters).prefetch_related(
        Prefetch("phones", queryset=ClientPhone.objects.order_by("position", "id")),
        Prefetch(
            "client_tags", queryset=ClientTag.objects.select_related("tag").order_by("tag__name")
        ),
    )
    tz = company_zone(actor.company)
    country = actor.company.country
    writer = csv.writer(_Line())
    # The byte-order mark makes spreadsheet programs read the file as UTF-8.
    yield "\ufeff" + writer.writerow(_headers())
    last_id = 0
    while True:
        chunk = list(clients.filter(id__gt=last_id).order_by("id")[:CHUNK_SIZE])
        if not chunk:
            return
        yield "".join(writer.writerow([csv_safe(v) for v in _row(c, tz, country)]) for c in chunk)
        last_id = chunk[-1].pk
