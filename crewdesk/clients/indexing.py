"""Keeps ClientToken (search words) and ClientMatchKey (duplicate-check keys) in step with a
client. Services call `client_index_refresh` after every write that changes what is searchable;
bulk writers (import, generate_data) build the rows with `tokens_for`/`match_keys_for`."""

from collections.abc import Iterable

from crewdesk.clients import normalize as n
from crewdesk.clients.models import Client, ClientMatchKey, ClientToken

TOKEN_MAX = 64
# Mailbox names many businesses share: as match keys they would pull in thousands of clients.
SHARED_MAILBOXES = frozenset(
    [
        "info",
        "office",
        "billing",
        "admin",
        "contact",
        "hello",
        "support",
        "sales",
        "accounts",
        "accounting",
        "team",
        "mail",
        "frontdesk",
        "bookings",
        "booking",
        "service",
        "reception",
        "enquiries",
        "inquiries",
        "orders",
        "noreply",
    ]
)


def sort_key_for(client: Client) -> str:
    if client.kind == "company" and client.company_name:
        parts = [client.company_name]
    else:
        parts = [client.last_name, client.first_name, client.company_name]
    return " ".join(n.words(" ".join(p for p in parts if p)))[:200]


def tokens_for(
    client: Client,
    phones: Iterable[str],
    contacts: Iterable[tuple[str, str, str, str]] = (),
    places: Iterable[tuple[str, str, str]] = (),
) -> set[str]:
    """The words a search can start with: names, billing name, email (whole and in parts),
    phone digits (national number, last 7, last 4), each contact's name, email and phone, and
    the name, street and city of each of the client's properties (the office finds a client,
    and its jobs, by where the work is done).

    `contacts` are (first_name, last_name, email, phone) tuples, `places` (name, street, city)."""
    texts = [client.first_name, client.last_name, client.company_name, client.billing_name]
    for place in places:
        texts += list(place)
    emails = [client.email]
    numbers = list(phones)
    for first, last, email, phone in contacts:
        texts += [first, last]
        emails.append(email)
        numbers.append(phone)
    tokens = set(n.words(" ".join(t for t in texts if t)))
    tokens |= name_pairs(client.first_name, client.last_name)
    tokens |= name_pairs("", client.company_name)
    for first, last, _email, _phone in contacts:
        tokens |= name_pairs(first, last)
    for email in emails:
        if email:
            normal = n.email_normal(email)
            tokens.add(normal)
            tokens.update(n.words(normal.replace("@", " ").replace(".", " ")))
    for number in numbers:
        national = n.phone_national_digits(number) if number else ""
        if national:
            tokens.update({national, national[-7:], national[-4:]})
    return {t[:TOKEN_MAX] for t in tokens if t}


def name_pairs(first: str, last: str) -> set[str]:
    """Adjacent words of a name as one token ("john smith", and "smith john" for a person), so
    a search for "john smi" is one index range instead of an intersection of two big ones."""
    first_words, last_words = n.words(first), n.words(last)
    full = first_words + last_words
    pairs = {f"{a} {b}" for a, b in zip(full, full[1:], strict=False)}
    if first_words and last_words:
        pairs.add(f"{last_words[-1]} {first_words[0]}")
    return pairs


def person_name_keys(first: str, last: str) -> set[str]:
    """Blocking keys of a person's name that survive typos: first initial + the sorted letters
    of the last name (catches swapped letters), and first initial + the sound of the last name
    (catches a wrong letter)."""
    first_words, last_words = n.words(first), n.words(last)
    if not first_words or not last_words:
        return set()
    initial = first_words[0][0]
    last_joined = "".join(last_words)
    return {
        f"n:{initial}:{''.join(sorted(last_joined))}",
        f"s:{initial}:{n.sound(last_joined)}",
    }


def company_name_keys(name: str) -> set[str]:
    distinctive = n.company_words(name)
    if not distinctive:
        return set()
    return {
        f"c:{' '.join(sorted(distinctive))}",
        f"cs:{n.sound(''.join(distinctive))}",
    }


def match_keys_for(
    *,
    first_name: str = "",
    last_name: str = "",
    company_name: str = "",
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    street: str = "",
    postal_code: str = "",
) -> set[str]:
    """The duplicate-check keys of a client, or of what someone is typing into the new-client
    form. Phones are E.164 strings."""
    keys = person_name_keys(first_name, last_name)
    keys |= company_name_keys(company_name)
    keys |= address_keys(street, postal_code)
    for email in emails:
        if email and "@" in email:
            keys.add(f"e:{n.email_normal(email)}")
            local = n.email_local(email)
            if len(local) >= 4 and local not in SHARED_MAILBOXES:
                keys.add(f"l:{local}")
    for number in phones:
        national = n.phone_national_digits(number) if number else ""
        if len(national) >= 7:
            keys.add(f"p:{national[-7:]}")
    return {k[:120] for k in keys}


def address_keys(street: str, postal_code: str) -> set[str]:
    """House number + postal code: the same household typed twice, whatever the spelling of
    the street ("12 Elm St" = "12 ELM STREET")."""
    house = next((w for w in n.words(street) if w[:1].isdigit()), "")
    postal = "".join(n.words(postal_code))
    return {f"a:{house}:{postal}"} if house and postal else set()


def client_match_keys(client: Client, phones: Iterable[str]) -> set[str]:
    return match_keys_for(
        first_name=client.first_name,
        last_name=client.last_name,
        company_name=client.company_name,
        street=client.street,
        postal_code=client.postal_code,
        emails=[client.email],
        phones=phones,
    )


def client_index_refresh(client: Client) -> None:
    """Rebuild one client's search tokens and match keys from the database."""
    phones = list(client.phones.values_list("number", flat=True))
    contacts = list(client.contacts.values_list("first_name", "last_name", "email", "phone"))
    places = list(
        client.properties.filter(archived_at__isnull=True).values_list("name", "street", "city")
    )
    ClientToken.objects.filter(client=client).delete()
    ClientMatchKey.objects.filter(client=client).delete()
    if client.merged_into_id:
        return  # a merged-away client is found through its survivor, never on its own
    tokens = tokens_for(client, phones, contacts, places)
    keys = client_match_keys(client, phones)
    # Clients merged into this one are still found by their own names, emails and phones.
    for old in client.merged_from.prefetch_related("phones"):
        old_phones = [p.number for p in old.phones.all()]
        tokens |= tokens_for(old, old_phones)
        keys |= client_match_keys(old, old_phones)
    archived = client.archived_at is not None
    ClientToken.objects.bulk_create(
        ClientToken(company_id=client.company_id, token=t, client=client, archived=archived)
        for t in tokens
    )
    ClientMatchKey.objects.bulk_create(
        ClientMatchKey(company_id=client.company_id, key=k, client=client) for k in keys
    )


def client_tokens_mark_archived(client: Client) -> None:
    """Archiving or restoring moves the client's words between the active and archived search."""
    ClientToken.objects.filter(client=client).update(archived=client.archived_at is not None)
