"""Generated clients as table rows, a batch at a time: new clients, and near-duplicates of earlier
ones (a uniform sample of every original so far), with their phones, contacts, tags and search
index rows. History rows (simple_history) and per-client activity are not written: a generated
client has no history."""

import random
from dataclasses import dataclass

from django.db.models import Model

from crewdesk.clients.indexing import sort_key_for
from crewdesk.clients.models import (
    Client,
    ClientMatchKey,
    ClientPhone,
    ClientTag,
    ClientToken,
    Contact,
)
from crewdesk.core.bulk import BulkWriter
from crewdesk.sampledata.bulk.client_maker import ClientMaker, ClientSpec
from crewdesk.sampledata.bulk.duplicates import near_duplicate
from crewdesk.sampledata.bulk.index_rows import index_entries, verify_index_entries

CLIENT_COLUMNS = [f.column for f in Client._meta.concrete_fields]
# Columns the generator does not set keep their model default.
CLIENT_DEFAULTS = {f.column: f.get_default() for f in Client._meta.concrete_fields}
PHONE_COLUMNS = ["company_id", "client_id", "kind", "number", "position"]
CONTACT_COLUMNS = [
    "company_id",
    "client_id",
    "first_name",
    "last_name",
    "role",
    "email",
    "phone",
    "is_primary",
    "created_at",
]
TABLES: list[tuple[type[Model], list[str]]] = [
    (Client, CLIENT_COLUMNS),
    (ClientPhone, PHONE_COLUMNS),
    (Contact, CONTACT_COLUMNS),
    (ClientTag, ["company_id", "client_id", "tag_id"]),
    (ClientToken, ["company_id", "token", "client_id"]),
    (ClientMatchKey, ["company_id", "key", "client_id"]),
]
VERIFY_EVERY = 997  # clients between two checks of the index shortcut against indexing.py


@dataclass
class Batch:
    """Rows for every table, ready to write, and the near-duplicates among them."""

    clients: int
    rows: dict[type[Model], list[tuple]]
    truth: list[tuple[int, int, str]]

    @property
    def row_count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


class BatchBuilder:
    """Turns reserved ids into rows: new clients, and near-duplicates of earlier ones."""

    RESERVOIR_SIZE = 20_000

    def __init__(
        self,
        rng: random.Random,
        maker: ClientMaker,
        *,
        company_id: int,
        user_id: int,
        count: int,
        duplicates_percent: float,
        verify_every: int = VERIFY_EVERY,
    ):
        self.rng, self.maker = rng, maker
        self.company_id, self.user_id = company_id, user_id
        self.verify_every = verify_every
        wanted = round(count * duplicates_percent / 100) if count > 1 else 0
        first_possible = min(max(1, count // 20), count - 1) if count > 1 else 0
        self.duplicate_at = set(
            rng.sample(range(first_possible, count), min(wanted, max(count - 1, 0)))
        )
        # Originals a near-duplicate may copy: a uniform sample of every earlier original.
        self.reservoir: list[ClientSpec] = []
        self.originals_seen = 0
        self.referrers: list[int] = []
        self.position = 0
        self.built = 0

    def build(self, ids: list[int]) -> Batch:
        rng = self.rng
        specs, truth = [], []
        for client_id in ids:
            if self.position in self.duplicate_at and self.reservoir:
                original = rng.choice(self.reservoir)
                spec, changes = near_duplicate(self.maker, original)
                spec.id = client_id
                truth.append((client_id, original.id, ";".join(changes)))
            else:
                spec = self.maker.client()
                spec.id = client_id
                if self.referrers and rng.random() < 0.04:
                    spec.referred_by_id = rng.choice(self.referrers)
                self._remember(spec)
            specs.append(spec)
            self.position += 1
        return Batch(len(specs), self._rows(specs), truth)

    def _remember(self, spec: ClientSpec) -> None:
        self.originals_seen += 1
        if len(self.reservoir) < self.RESERVOIR_SIZE:
            self.reservoir.append(spec)
        else:
            slot = self.rng.randrange(self.originals_seen)
            if slot < self.RESERVOIR_SIZE:
                self.reservoir[slot] = spec
        if len(self.referrers) < 5000 and self.rng.random() < 0.1:
            self.referrers.append(spec.id)

    def _rows(self, specs: list[ClientSpec]) -> dict[type[Model], list[tuple]]:
        company_id = self.company_id
        clients, phones, contacts, tags, tokens, keys = [], [], [], [], [], []
        for spec in specs:
            spec.email = spec.email.lower()  # as the services store it
            values = {
                "id": spec.id,
                "company_id": company_id,
                "kind": spec.kind,
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "company_name": spec.company_name,
                "billing_name": spec.billing_name,
                "email": spec.email,
                "lead_source": spec.lead_source,
                "notes": spec.notes,
                "client_type": spec.client_type,
                "rating": spec.rating,
                "tax_exempt": spec.tax_exempt,
                "tax_id": spec.tax_id,
                "newsletter": spec.newsletter,
                "preferred_contact": spec.preferred_contact,
                "language": spec.language,
                "street": spec.street,
                "street2": spec.street2,
                "city": spec.city,
                "region": spec.region,
                "postal_code": spec.postal_code,
                "country": spec.country,
                "referred_by_id": spec.referred_by_id,
                "created_by_id": self.user_id,
                "created_at": spec.created_at,
                "updated_at": spec.created_at,
                "sort_key": sort_key_for(spec),  # type: ignore[arg-type]
            }
            clients.append(tuple(values.get(c, CLIENT_DEFAULTS[c]) for c in CLIENT_COLUMNS))
            numbers = [number for _kind, number in spec.phones]
            for position, (kind, number) in enumerate(spec.phones):
                phones.append((company_id, spec.id, kind, number, position))
            contact_values = []
            for i, (first, last, role, email, phone) in enumerate(spec.contacts):
                email = email.lower()
                contacts.append(
                    (company_id, spec.id, first, last, role, email, phone, i == 0, spec.created_at)
                )
                contact_values.append((first, last, email, phone))
            for tag_id in spec.tag_ids:
                tags.append((company_id, spec.id, tag_id))
            client_tokens, client_keys = index_entries(spec, numbers, contact_values)
            self.built += 1
            if self.built % self.verify_every == 1 or self.verify_every == 1:
                verify_index_entries(spec, numbers, contact_values, client_tokens, client_keys)
            tokens.extend((company_id, token, spec.id) for token in client_tokens)
            keys.extend((company_id, key, spec.id) for key in client_keys)
        # In key order, each batch walks the big indexes once instead of jumping around them.
        tokens.sort()
        keys.sort()
        return {
            Client: clients,
            ClientPhone: phones,
            Contact: contacts,
            ClientTag: tags,
            ClientToken: tokens,
            ClientMatchKey: keys,
        }


def write_batch(writer: BulkWriter, batch: Batch) -> int:
    return sum(writer.write(model, columns, batch.rows[model]) for model, columns in TABLES)
