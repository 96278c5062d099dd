"""One generated client at a time: a person (about 80%) or a company, with a name from one of
many cultures, an email derived from the name, valid phone numbers that no other client has, a
billing address, contacts and tags. The same seed gives the same clients."""

import random
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import phonenumbers
from django.utils import timezone, translation

from crewdesk.clients import normalize as n
from crewdesk.clients.models import LEAD_SOURCES
from crewdesk.sampledata.bulk.emails import (
    COUNTRY_EMAIL_DOMAINS,
    EMAIL_DOMAIN_CUM_WEIGHTS,
    EMAIL_DOMAIN_NAMES,
    email_word,
)
from crewdesk.sampledata.bulk.names import (
    COMPANY_WORDS,
    CULTURE_CUM_WEIGHTS,
    CULTURES,
    INDUSTRIES,
    SUFFIX_CUM_WEIGHTS,
    SUFFIX_NAMES,
    Culture,
)
from crewdesk.sampledata.bulk.places import (
    AU_CITIES,
    CA_CITIES,
    COUNTRY_WEIGHTS,
    GB_CITIES,
    MX_CITIES,
    STREET_NAMES,
    STREET_TYPES,
    US_CITIES,
    City,
)

TAG_NAMES = [
    "VIP",
    "Airbnb",
    "Net 30",
    "Weekly",
    "Biweekly",
    "Monthly",
    "Move-out",
    "Pet in home",
    "Key on file",
    "Gate code",
    "Spanish speaking",
    "Late payer",
    "Referral partner",
    "Seasonal",
]
CLIENT_TYPES = [
    ("residential", 50),
    ("vacation_rental", 10),
    ("commercial", 8),
    ("property_manager", 4),
    ("other", 3),
    ("", 25),
]
NOTES = [
    "Gate code 4512#.",
    "Dog in the backyard, friendly.",
    "Key under the mat; text before arriving.",
    "Prefers mornings.",
    "Do not use bleach.",
    "Park on the street, not in the driveway.",
    "Call the front desk on arrival.",
    "Invoice monthly, net 30.",
    "Allergic to strong fragrances.",
    "Alarm code on file with the office.",
    "Check-out 11am, check-in 4pm.",
    "Building manager must sign the work order.",
]


@dataclass(slots=True)
class ClientSpec:
    """A client about to be written: the Client row's values, its phones, contacts and tags."""

    id: int = 0
    kind: str = "person"
    first_name: str = ""
    last_name: str = ""
    company_name: str = ""
    billing_name: str = ""
    email: str = ""
    lead_source: str = ""
    notes: str = ""
    client_type: str = ""
    rating: int = 0
    tax_exempt: bool = False
    tax_id: str = ""
    newsletter: bool = False
    preferred_contact: str = "any"
    language: str = "en"
    street: str = ""
    street2: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = "US"
    referred_by_id: int | None = None
    created_at: datetime | None = None
    phones: list[tuple[str, str]] = field(default_factory=list)  # (kind, E.164)
    # (first_name, last_name, role, email, phone E.164)
    contacts: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    tag_ids: list[int] = field(default_factory=list)


class ClientMaker:
    """Makes varied, plausible clients from one random generator (the same seed gives the same
    clients); duplicates.py makes near-duplicates of them with the same maker."""

    def __init__(self, rng: random.Random, *, home_country: str = "US", tag_ids: Sequence[int]):
        self.rng = rng
        self.home_country = home_country
        self.tag_ids = list(tag_ids)
        # A service business is local: most clients live in one metro area.
        self.home_city = rng.choice(US_CITIES[:8])
        self.used_emails: set[str] = set()
        self.used_phones: set[str] = set()
        with translation.override(None):
            self.lead_sources = [str(s) for s in LEAD_SOURCES]
        self.now = timezone.now()

    # helpers
    def pick(self, names: Sequence[str], cum: Sequence[float]) -> str:
        """One of `names`, weighted by their cumulative weights `cum`."""
        return names[bisect(cum, self.rng.random() * cum[-1])]

    def _name_pick(self, names: Sequence[str]) -> str:
        # Earlier names in each list are more common (a gentle, Zipf-like skew).
        index = int(len(names) * self.rng.random() ** 1.6)
        return names[min(index, len(names) - 1)]

    def culture(self) -> Culture:
        return CULTURES[bisect(CULTURE_CUM_WEIGHTS, self.rng.random() * CULTURE_CUM_WEIGHTS[-1])]

    def person_name(self, culture: Culture | None = None) -> tuple[str, str]:
        culture = culture or self.culture()
        return self._name_pick(culture.first), self._name_pick(culture.last)

    def country(self) -> str:
        roll, total = self.rng.random() * 100, 0
        for country, weight in COUNTRY_WEIGHTS:
            total += weight
            if roll < total:
                return country
        return "US"

    def phone(self, country: str = "US", city: City | None = None) -> str:
        """A valid number in E.164, local to the city when one is given, that no other client
        has: a line belongs to one household or business."""
        for _attempt in range(50):
            number = self._any_phone(country, city)
            if number not in self.used_phones:
                break
        self.used_phones.add(number)
        return number

    def _any_phone(self, country: str, city: City | None) -> str:
        rng = self.rng
        if country == "CA" and city not in CA_CITIES:
            city = rng.choice(CA_CITIES)
        elif country == "US" and city not in US_CITIES:
            city = self.home_city if rng.random() < 0.7 else rng.choice(US_CITIES)
        if country in ("US", "CA"):
            exchange = rng.randint(200, 999)
            while exchange % 100 == 11 or exchange == 555:
                exchange = rng.randint(200, 999)
            return f"+1{rng.choice(city.area_codes)}{exchange}{rng.randint(0, 9999):04d}"
        for _attempt in range(20):
            number = self._foreign_phone(country, city)
            if phonenumbers.is_valid_number(phonenumbers.parse(number)):
                return number
        return self._any_phone("US", None)

    def _foreign_phone(self, country: str, city: City | None) -> str:
        rng = self.rng
        mobile = rng.random() < 0.5
        if country == "GB":
            if mobile:
                return f"+447{rng.choice('4578')}{rng.randint(0, 99999999):08d}"
            code = city.area_codes[0] if city else "20"
            if code == "20":
                return f"+4420{rng.choice('378')}{rng.randint(0, 9999999):07d}"
            return f"+44{code}{rng.choice('2345789')}{rng.randint(0, 999999):06d}"
        if country == "MX":
            code = city.area_codes[0] if city else "55"
            return f"+52{code}{rng.randint(1000, 9999)}{rng.randint(0, 9999):04d}"
        if country == "AU":
            if mobile:
                return f"+614{rng.randint(0, 99999999):08d}"
            code = city.area_codes[0] if city else "2"
            first = {"2": "6789", "3": "89", "7": "345"}.get(code, "9")
            return f"+61{code}{rng.choice(first)}{rng.randint(0, 9999999):07d}"
        return self._any_phone("US", None)

    def address(self) -> dict:
        rng = self.rng
        country = self.country()
        street_type = rng.choice(STREET_TYPES)[0 if rng.random() < 0.7 else 1]
        street = f"{rng.randint(1, 9999)} {rng.choice(STREET_NAMES)} {street_type}"
        if rng.random() < 0.12:
            street = f"{rng.randint(1, 9999)} {rng.choice('NSEW')} {street.split(' ', 1)[1]}"
        street2 = ""
        if rng.random() < 0.15:
            street2 = rng.choice(["Apt", "Unit", "Suite", "#"]) + f" {rng.randint(1, 40)}"
            if rng.random() < 0.3:
                street2 += rng.choice("ABCD")
        if country == "US":
            city = self.home_city if rng.random() < 0.65 else rng.choice(US_CITIES)
            postal = f"{city.postal_prefix}{rng.randint(0, 99):02d}"
            if rng.random() < 0.08:
                postal += f"-{rng.randint(0, 9999):04d}"
        elif country == "CA":
            city = rng.choice(CA_CITIES)
            letters = "ABCEGHJKLMNPRSTVWXYZ"
            postal = (
                f"{rng.choice(city.postal_prefix.split())} "
                f"{rng.randint(0, 9)}{rng.choice(letters)}{rng.randint(0, 9)}"
            )
        elif country == "GB":
            city = rng.choice(GB_CITIES)
            letters = "ABDEFGHJLNPQRSTUWXYZ"
            postal = (
                f"{rng.choice(city.postal_prefix.split())} "
                f"{rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
            )
            street = f"{rng.randint(1, 250)} {rng.choice(STREET_NAMES)} {rng.choice(['Road', 'Street', 'Lane', 'Gardens', 'Close'])}"  # noqa: E501
        elif country == "MX":
            city = rng.choice(MX_CITIES)
            postal = f"{rng.choice(city.postal_prefix.split())}{rng.randint(0, 999):03d}"
            street = (
                f"{rng.choice(['Av.', 'Calle'])} {rng.choice(STREET_NAMES)} {rng.randint(1, 3000)}"  # noqa: E501
            )
        else:
            city = rng.choice(AU_CITIES)
            postal = f"{rng.choice(city.postal_prefix.split())}{rng.randint(0, 99):02d}"
        return {
            "street": street,
            "street2": street2,
            "city": city.name,
            "region": city.region,
            "postal_code": postal,
            "country": country,
            "_city": city,
        }

    def email(self, first: str, last: str, *, country: str = "US", company: str = "") -> str:
        """An address derived from the name, unique in the company."""
        rng = self.rng
        f, l = email_word(first.split()[0] if first else ""), email_word(last)  # noqa: E741
        if company:
            domain_word = "".join(email_word(w) for w in n.company_words(company)[:2]) or "office"
            domain = f"{domain_word}.{rng.choice(['com', 'com', 'com', 'net', 'co', 'biz'])}"
            person = f"{f}.{l}" if f and l else f or "frontdesk"
            local = rng.choice([f or "info", "info", "office", "billing", "admin", person])
        else:
            if country in COUNTRY_EMAIL_DOMAINS and rng.random() < 0.5:
                domain = rng.choice(COUNTRY_EMAIL_DOMAINS[country])
            else:
                domain = self.pick(EMAIL_DOMAIN_NAMES, EMAIL_DOMAIN_CUM_WEIGHTS)
            f = f or "hello"
            l = l or "home"  # noqa: E741
            patterns = [f"{f}.{l}", f"{f}{l}", f"{f[0]}{l}", f"{f}_{l}", f"{l}.{f}", f"{f}{l[0]}"]
            local = rng.choice(patterns)
            if rng.random() < 0.55:
                local += str(rng.choice([rng.randint(1, 99), rng.randint(1950, 2005)]))
        email = f"{local}@{domain}"
        attempt = 0
        while email in self.used_emails:
            # A common mailbox at a common company domain can use up 999 numbers: widen.
            attempt += 1
            email = f"{local}{rng.randint(1, 999 * attempt)}@{domain}"
        self.used_emails.add(email)
        return email

    def company_name(self, culture: Culture | None = None) -> str:
        rng = self.rng
        roll = rng.random()
        last = self._name_pick((culture or self.culture()).last)
        if roll < 0.25:
            base = f"{last} {rng.choice(INDUSTRIES)}"
        elif roll < 0.35:
            base = f"{last} & Sons"
        elif roll < 0.42:
            other = self._name_pick(self.culture().last)
            base = f"{last} & {other}"
        elif roll < 0.5:
            base = f"{self.home_city.name} {rng.choice(INDUSTRIES)}"
        elif roll < 0.55:
            letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTW") for _ in range(rng.randint(2, 3)))
            base = f"{letters} {rng.choice(INDUSTRIES)}"
        else:
            base = f"{rng.choice(COMPANY_WORDS)} {rng.choice(INDUSTRIES)}"
        suffix = self.pick(SUFFIX_NAMES, SUFFIX_CUM_WEIGHTS)
        if not suffix:
            return base
        if suffix in ("Inc.", "Ltd.", "Corp.") and rng.random() < 0.3:
            return f"{base}, {suffix}"
        return f"{base} {suffix}"

    def client(self) -> ClientSpec:
        rng = self.rng
        spec = ClientSpec(kind="company" if rng.random() < 0.2 else "person")
        culture = self.culture()
        address = self.address() if rng.random() < 0.82 else None
        country = address["country"] if address else self.home_country
        city = address["_city"] if address else None
        if spec.kind == "company":
            spec.company_name = self.company_name(culture)
            if rng.random() < 0.6:
                spec.first_name, spec.last_name = self.person_name(culture)
            if rng.random() < 0.1:
                spec.billing_name = f"{spec.company_name} – Accounts Payable"
            if rng.random() < 0.05:
                spec.tax_exempt = True
                spec.tax_id = f"{rng.randint(10, 99)}-{rng.randint(1000000, 9999999)}"
        else:
            spec.first_name, spec.last_name = self.person_name(culture)
            if rng.random() < 0.03:
                spec.first_name = ""  # known only by the last name ("Mrs. Okafor")
        spec.language = culture.language if rng.random() < 0.6 else "en"
        has_email = rng.random() < 0.86
        has_phone = not has_email or rng.random() < 0.88
        if has_email:
            spec.email = self.email(
                spec.first_name or spec.company_name,
                spec.last_name,
                country=country,
                company=spec.company_name if spec.kind == "company" else "",
            )
        if has_phone:
            local = country if rng.random() < 0.6 else "US"
            kind = "work" if spec.kind == "company" else rng.choice(["mobile", "mobile", "home"])
            spec.phones.append((kind, self.phone(local, city)))
            if rng.random() < 0.15:
                other = "mobile" if kind != "mobile" else rng.choice(["home", "work"])
                spec.phones.append((other, self.phone(local, city)))
        if address:
            for name in ("street", "street2", "city", "region", "postal_code", "country"):
                setattr(spec, name, address[name])
        else:
            spec.country = self.home_country
        if rng.random() < 0.6:
            spec.lead_source = rng.choice(self.lead_sources)
        spec.client_type = self._client_type(spec.kind)
        spec.rating = rng.choices([0, 1, 2, 3, 4, 5], [40, 2, 4, 12, 22, 20])[0]
        spec.newsletter = rng.random() < 0.3
        spec.preferred_contact = rng.choices(["any", "email", "phone", "sms"], [60, 20, 10, 10])[0]
        if rng.random() < 0.12:
            spec.notes = rng.choice(NOTES)
        spec.created_at = self.now - timedelta(seconds=rng.random() * 6 * 365 * 86400)
        spec.contacts = self._contacts(spec, culture, country, city)
        if self.tag_ids:
            count = rng.choices([0, 1, 2, 3], [40, 35, 18, 7])[0]
            spec.tag_ids = rng.sample(self.tag_ids, min(count, len(self.tag_ids)))
        return spec

    def _client_type(self, kind: str) -> str:
        rng = self.rng
        if kind == "company":
            return rng.choice(["commercial", "commercial", "property_manager", "vacation_rental"])
        names, weights = zip(*CLIENT_TYPES, strict=True)
        return rng.choices(names, weights)[0]

    def _contacts(
        self, spec: ClientSpec, culture: Culture, country: str, city: City | None
    ) -> list[tuple[str, str, str, str, str]]:
        rng = self.rng
        if spec.kind == "company":
            count = rng.choices([0, 1, 2, 3], [10, 45, 30, 15])[0]
        else:
            count = rng.choices([0, 1, 2, 3], [55, 30, 10, 5])[0]
        contacts = []
        for i in range(count):
            first, last = self.person_name(culture if rng.random() < 0.7 else None)
            if spec.kind == "person" and i == 0 and spec.last_name and rng.random() < 0.7:
                last = spec.last_name  # a spouse or a family member
            if spec.kind == "company":
                role = rng.choice(["billing", "technical", "other", "emergency"])
            else:
                role = rng.choice(["other", "other", "billing", "emergency"])
            email = ""
            if rng.random() < 0.6:
                email = self.email(
                    first,
                    last,
                    country=country,
                    company=spec.company_name if spec.kind == "company" else "",
                )
            phone = self.phone(country, city) if rng.random() < 0.6 else ""
            if not email and not phone and not first:
                continue
            contacts.append((first, last, role, email, phone))
        return contacts
