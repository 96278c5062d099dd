"""The mail providers of generated email addresses, and how a name becomes part of one."""

from itertools import accumulate

from crewdesk.sampledata.bulk.names import ascii_name

PERSONAL_EMAIL_DOMAINS = [
    ("gmail.com", 40),
    ("yahoo.com", 12),
    ("outlook.com", 8),
    ("hotmail.com", 8),
    ("icloud.com", 7),
    ("aol.com", 3),
    ("comcast.net", 3),
    ("att.net", 2),
    ("proton.me", 2),
    ("me.com", 2),
    ("verizon.net", 1),
    ("live.com", 2),
    ("msn.com", 1),
]
COUNTRY_EMAIL_DOMAINS = {
    "CA": ["shaw.ca", "sympatico.ca", "rogers.com"],
    "GB": ["btinternet.com", "yahoo.co.uk", "sky.com"],
    "MX": ["prodigy.net.mx", "hotmail.com.mx", "yahoo.com.mx"],
    "AU": ["bigpond.com", "optusnet.com.au", "outlook.com.au"],
}
EMAIL_DOMAIN_NAMES = [d for d, _w in PERSONAL_EMAIL_DOMAINS]
EMAIL_DOMAIN_CUM_WEIGHTS = list(accumulate(w for _d, w in PERSONAL_EMAIL_DOMAINS))


def email_word(text: str) -> str:
    """A name as a mailbox spells it: "O'Brien" -> "obrien", "José" -> "jose"."""
    return "".join(ch for ch in ascii_name(text).lower() if ch.isascii() and ch.isalnum())
