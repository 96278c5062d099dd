"""One spelling of a username. What people type is folded once, here, before it is looked up
or counted, so that 'ALICE', ' alice ' and the full-width 'ａｌｉｃｅ' are one name, and a
look-alike such as 'offıce' (dotless ı) is no name at all rather than a way around a throttle."""

import unicodedata

from crewdesk.accounts.models import User


def username_key(typed: str) -> str:
    """NFKC-normalised, case-folded and trimmed."""
    return unicodedata.normalize("NFKC", typed).casefold().strip()


def user_by_username(typed: str) -> User | None:
    """The user a typed username names, if any. Usernames are ASCII (User.username), so a key
    that is not names nobody, and an ASCII key compares case-insensitively in every database."""
    key = username_key(typed)
    if not key or not key.isascii():
        return None
    return User.objects.filter(username__iexact=key).first()
