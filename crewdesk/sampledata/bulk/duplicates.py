"""Near-duplicates: a second entry of an earlier client, varied the way double entries really
happen (a typo, another email provider, a reformatted phone, "Inc." vs "inc"...) but always
keeping one strong signal (the same phone, email, or street and postal code), so the
duplicate check can be measured against them (recall.py)."""

import random
from dataclasses import replace
from datetime import timedelta

import phonenumbers

from crewdesk.clients import normalize as n
from crewdesk.sampledata.bulk.client_maker import ClientMaker, ClientSpec
from crewdesk.sampledata.bulk.emails import EMAIL_DOMAIN_CUM_WEIGHTS, EMAIL_DOMAIN_NAMES
from crewdesk.sampledata.bulk.names import NICKNAMES, ascii_name
from crewdesk.sampledata.bulk.places import STREET_TYPES

# The keys around each letter (QWERTY): what a finger that slips types instead.
_KEYBOARD = {
    "a": "qwsz",
    "b": "vghn",
    "c": "xdfv",
    "d": "serfcx",
    "e": "wsdr",
    "f": "drtgvc",
    "g": "ftyhbv",
    "h": "gyujnb",
    "i": "ujko",
    "j": "huikmn",
    "k": "jiolm",
    "l": "kop",
    "m": "njk",
    "n": "bhjm",
    "o": "iklp",
    "p": "ol",
    "q": "wa",
    "r": "edft",
    "s": "awedxz",
    "t": "rfgy",
    "u": "yhji",
    "v": "cfgb",
    "w": "qase",
    "x": "zsdc",
    "y": "tghu",
    "z": "asx",
}


def near_duplicate(maker: ClientMaker, original: ClientSpec) -> tuple[ClientSpec, list[str]]:
    """A second entry of the same client as an office would type it, and what changed.
    It keeps at least one strong signal: the same phone, email, or street and postal code."""
    rng = maker.rng
    dup = replace(
        original,
        id=0,
        phones=list(original.phones),
        contacts=[],
        tag_ids=[],
        referred_by_id=None,
        notes="",
        lead_source=rng.choice(["", *maker.lead_sources]),
        created_at=maker.now - timedelta(seconds=rng.random() * 90 * 86400),
    )
    strong = [
        name
        for name, present in (
            ("email", bool(original.email)),
            ("phone", bool(original.phones)),
            ("address", bool(original.street and original.postal_code)),
        )
        if present
    ]
    keep_chance = {"email": 0.55, "phone": 0.65, "address": 0.45}
    kept = {name for name in strong if rng.random() < keep_chance[name]}
    if not kept:
        kept.add(rng.choice(strong))
    changes = [_mutate_name(maker, dup)]
    changes.append(_mutate_email(maker, dup, "email" in kept))
    changes.append(_mutate_phones(maker, dup, "phone" in kept))
    if original.street:
        changes.append(_mutate_address(maker, dup, "address" in kept))
    if not dup.email and not dup.phones:
        dup.phones = [("mobile", maker.phone(dup.country))]
        changes.append("phone:added_other")
    return dup, changes


def _mutate_name(maker: ClientMaker, dup: ClientSpec) -> str:
    rng = maker.rng
    if dup.kind == "company":
        choice = rng.choices(
            ["same", "suffix_case", "suffix_dropped", "ampersand", "typo", "upper"],
            [25, 20, 15, 10, 20, 10],
        )[0]
        name = dup.company_name
        if choice == "suffix_case":
            for suffix in ("Inc.", "LLC", "Ltd.", "Co.", "Corp."):
                if name.endswith(suffix):
                    name = name[: -len(suffix)] + suffix.lower().rstrip(".")
                    break
            else:
                name, choice = name.lower(), "lower"
        elif choice == "suffix_dropped":
            words = n.words(name)
            stripped = name.rstrip(".").rsplit(" ", 1)[0].rstrip(",")
            if words and words[-1] in n.COMPANY_SUFFIXES and stripped:
                name = stripped
            else:
                name, choice = f"{name} LLC", "suffix_added"
        elif choice == "ampersand":
            if "&" in name:
                name = name.replace("&", "and")
            else:
                name, choice = name.replace(",", ""), "punctuation"
        elif choice == "typo":
            name = _typo_in_words(rng, name)
        elif choice == "upper":
            name = name.upper()
        dup.company_name = name
        dup.billing_name = ""
        return f"company:{choice}"
    choice = rng.choices(
        [
            "same",
            "typo_last",
            "typo_first",
            "typo_both",
            "swapped",
            "nickname",
            "no_accents",
            "case",
            "initial",
            "middle_initial",
        ],
        [25, 20, 12, 5, 8, 5, 8, 7, 5, 5],
    )[0]
    first, last = dup.first_name, dup.last_name
    if choice == "nickname" and first not in NICKNAMES:
        choice = "typo_first"
    if choice == "no_accents" and ascii_name(first + last) == first + last:
        choice = "case"
    if choice in ("typo_first", "initial", "middle_initial") and not first:
        choice = "typo_last"
    if choice == "typo_last":
        last = _typo_in_words(rng, last)
    elif choice == "typo_first":
        first = _typo_in_words(rng, first)
    elif choice == "typo_both":
        first, last = _typo_in_words(rng, first), _typo_in_words(rng, last)
    elif choice == "swapped":
        first, last = last, first
    elif choice == "nickname":
        first = NICKNAMES[first]
    elif choice == "no_accents":
        first, last = ascii_name(first), ascii_name(last)
    elif choice == "case":
        first, last = (
            (first.upper(), last.upper())
            if rng.random() < 0.5
            else (
                first.lower(),
                last.lower(),
            )
        )
    elif choice == "initial":
        first = f"{first[0]}."
    elif choice == "middle_initial":
        first = f"{first} {rng.choice('ABCDEJKLMRST')}."
    dup.first_name, dup.last_name = first, last
    return f"name:{choice}"


def _typo_in_words(rng: random.Random, text: str) -> str:
    """One slip of the fingers in the longest word: a swapped, dropped, wrong or doubled
    letter."""
    words = text.split(" ")
    index = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[index]
    if len(word) < 3:
        return text
    # People seldom get the first letter wrong.
    position = 0 if rng.random() < 0.05 else rng.randint(1, len(word) - 2)
    op = rng.choice(["swap", "drop", "replace", "double"])
    if op == "swap":
        word = word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    elif op == "drop":
        word = word[:position] + word[position + 1 :]
    elif op == "replace":
        ch = word[position]
        near = _KEYBOARD.get(ch.lower())
        if near:
            new = rng.choice(near)
            word = word[:position] + (new.upper() if ch.isupper() else new) + word[position + 1 :]
        else:
            word = word[:position] + word[position + 1 :]
    else:
        word = word[: position + 1] + word[position:]
    words[index] = word
    return " ".join(words)


def _mutate_email(maker: ClientMaker, dup: ClientSpec, keep: bool) -> str:
    rng = maker.rng
    if not dup.email:
        if rng.random() < 0.2 and dup.first_name:
            dup.email = maker.email(dup.first_name, dup.last_name, country=dup.country)
            return "email:added_other"
        return "email:none"
    local, _at, domain = dup.email.partition("@")
    if keep:
        choice = rng.choices(["same", "upper", "plus_tag"], [75, 15, 10])[0]
        if choice == "plus_tag":
            dup.email = f"{local}+{rng.choice(['home', 'work', 'crew'])}@{domain}"
        # "upper": typed in capitals; the services store emails lower-cased, as do we.
        return f"email:{choice}"
    choice = rng.choices(["other_domain", "missing", "different"], [45, 35, 20])[0]
    if choice == "other_domain":
        other = maker.pick(EMAIL_DOMAIN_NAMES, EMAIL_DOMAIN_CUM_WEIGHTS)
        while other == domain:
            other = maker.pick(EMAIL_DOMAIN_NAMES, EMAIL_DOMAIN_CUM_WEIGHTS)
        dup.email = f"{local}@{other}"
        if dup.email in maker.used_emails:
            dup.email = ""
            return "email:missing"
        maker.used_emails.add(dup.email)
    elif choice == "missing":
        dup.email = ""
    else:
        dup.email = maker.email(
            dup.first_name or dup.company_name or "info",
            dup.last_name,
            country=dup.country,
            company=dup.company_name if dup.kind == "company" and rng.random() < 0.5 else "",
        )
    return f"email:{choice}"


def _mutate_phones(maker: ClientMaker, dup: ClientSpec, keep: bool) -> str:
    rng = maker.rng
    if not dup.phones:
        return "phone:none"
    if keep:
        choice = rng.choices(["same", "reformatted", "second_added"], [45, 40, 15])[0]
        kind, number = dup.phones[0]
        if choice == "reformatted":
            # The office typed it another way; the services store it in E.164 again.
            typed = _retyped(number, rng)
            e164 = n.phone_e164(typed, maker.home_country) or number
            dup.phones = [(rng.choice(["mobile", "home", "work"]), e164)]
        elif choice == "second_added":
            dup.phones = [(kind, number), ("other", maker.phone(dup.country))]
        else:
            dup.phones = [(kind, number)]
        return f"phone:{choice}"
    choice = rng.choice(["missing", "other_number"])
    if choice == "missing":
        dup.phones = []
    else:
        dup.phones = [(rng.choice(["mobile", "work"]), maker.phone(dup.country))]
    return f"phone:{choice}"


def _mutate_address(maker: ClientMaker, dup: ClientSpec, keep: bool) -> str:
    rng = maker.rng
    if keep:
        if rng.random() < 0.15:
            dup.street, dup.city = dup.street.upper(), dup.city.upper()
            return "address:upper"
        return "address:same"
    choice = rng.choice(["missing", "abbreviated", "moved"])
    if choice == "abbreviated":
        for short, long in STREET_TYPES:
            if dup.street.endswith(f" {short}"):
                dup.street = dup.street[: -len(short)] + long
                break
            if dup.street.endswith(f" {long}"):
                dup.street = dup.street[: -len(long)] + short
                break
        else:
            choice = "missing"
    if choice == "missing":
        dup.street = dup.street2 = dup.city = dup.region = dup.postal_code = ""
        dup.country = maker.home_country
    elif choice == "moved":
        address = maker.address()
        for name in ("street", "street2", "city", "region", "postal_code", "country"):
            setattr(dup, name, address[name])
    return f"address:{choice}"


def _retyped(e164: str, rng: random.Random) -> str:
    """The same number as someone might type it: "(512) 555-0102", "+1 512 555 0102"..."""
    parsed = phonenumbers.parse(e164)
    national = str(parsed.national_number)
    if parsed.country_code == 1 and len(national) == 10:
        a, b, c = national[:3], national[3:6], national[6:]
        return rng.choice(
            [f"({a}) {b}-{c}", f"+1 {a} {b} {c}", f"{a}.{b}.{c}", f"1-{a}-{b}-{c}", f"{a}{b}{c}"]
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
