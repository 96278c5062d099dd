"""Text normalisation for search and duplicate detection: one place, used when a client is
saved (to build its search tokens and match keys) and when someone searches."""

import re
import string
import unicodedata
from functools import lru_cache

import phonenumbers

# Words that do not tell two companies apart: "Acme, Inc." and "ACME inc" are the same company.
COMPANY_SUFFIXES = frozenset(
    [
        "inc",
        "incorporated",
        "llc",
        "l",
        "l",
        "c",
        "ltd",
        "limited",
        "co",
        "corp",
        "corporation",
        "company",
        "plc",
        "gmbh",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "ag",
        "pty",
        "pc",
        "lp",
        "llp",
        "the",
        "and",
        "of",
        "de",
        "cv",
        "s",
        "a",
    ]
)

# Letters Unicode does not split into a base letter and an accent: "Łukasz" is typed "Lukasz".
_UNDECOMPOSABLE = str.maketrans(
    {"ß": "ss", "ł": "l", "đ": "d", "ð": "d", "ı": "i", "ø": "o", "æ": "ae", "œ": "oe", "þ": "th"}
)

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case without accents: "Zoë Ñúñez" -> "zoe nunez"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold().translate(_UNDECOMPOSABLE)


def words(text: str) -> list[str]:
    """The folded words of a text; apostrophes and dots inside a word are dropped ("O'Brien")."""
    return _WORD.findall(re.sub(r"(?<=\w)['’.](?=\w)", "", fold(text)))


def company_words(name: str) -> list[str]:
    """A company name's distinctive words, without legal suffixes and filler."""
    kept = [w for w in words(name) if w not in COMPANY_SUFFIXES]
    return kept or words(name)


@lru_cache(maxsize=65536)
def email_normal(email: str) -> str:
    """Lower-cased email without a "+tag" in the local part."""
    email = (email or "").strip().casefold()
    if "@" not in email:
        return email
    local, _, domain = email.rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


@lru_cache(maxsize=65536)
def email_local(email: str) -> str:
    """The local part, without dots and tags: catches the same person at another provider."""
    normal = email_normal(email)
    return normal.split("@", 1)[0].replace(".", "") if "@" in normal else ""


def digits(text: str) -> str:
    return "".join(ch for ch in text or "" if ch.isdigit())


@lru_cache(maxsize=65536)
def phone_e164(number: str, region: str) -> str | None:
    """The number in E.164 (+15550102030), read in `region` when it has no country code;
    None when it cannot be a phone number."""
    try:
        parsed = phonenumbers.parse(number, (region or "US").upper())
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=65536)
def phone_national_digits(e164: str) -> str:
    """The national significant number of an E.164 number: what people type without +1."""
    try:
        return str(phonenumbers.parse(e164).national_number)
    except phonenumbers.NumberParseException:
        return digits(e164)


@lru_cache(maxsize=16384)  # lists and searches show the same numbers again and again
def phone_display(e164: str) -> str:
    try:
        parsed = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@lru_cache(maxsize=16384)
def phone_local(e164: str, country: str) -> str:
    """A number as the office writes it: national in its own country ("(415) 555-0101", read
    back in that country), international otherwise ("+44 20 7946 0958")."""
    try:
        parsed = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(parsed) == (country or "").upper():
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# A compact phonetic code, close to Soundex but for whole words of any length: similar-sounding
# consonants share a digit, vowels and h/w/y vanish after the first letter, repeats collapse.
_SOUND = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


@lru_cache(maxsize=65536)
def sound(word: str) -> str:
    letters = [ch for ch in fold(word) if ch.isalpha()]
    if not letters:
        return ""
    code, last = [letters[0]], _SOUND.get(letters[0], "")
    for ch in letters[1:]:
        digit = _SOUND.get(ch, "")
        if digit and digit != last:
            code.append(digit)
        if ch not in "hw":
            last = digit
    return "".join(code)[:6]


def typo_variants(word: str) -> set[str]:
    """Every word one slip of the finger away from a folded word: what was meant when a letter
    was typed too many or missed, a wrong one typed, or two swapped ("rahman" -> "raman",
    "smtih" -> "smith"). About 54 per letter: a search looks them all up in the word index."""
    letters = set(string.ascii_lowercase) | set(word)
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    drop_one = {a + b[1:] for a, b in splits if b}
    add_one = {a + c + b for a, b in splits for c in letters}
    change_one = {a + c + b[1:] for a, b in splits if b for c in letters}
    swap_two = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    return (drop_one | add_one | change_one | swap_two) - {word, ""}
