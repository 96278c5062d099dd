"""The search tokens and match keys of a generated client, built faster than the services
build them (indexing.py) and checked against them now and then, so a generated client is
found exactly like a typed one."""

from crewdesk.clients import normalize as n
from crewdesk.clients.indexing import client_match_keys, tokens_for
from crewdesk.sampledata.bulk.client_maker import ClientSpec


def _national_digits(e164: str) -> str:
    """normalize.phone_national_digits without parsing, for the numbers made here: a NANP
    number (+1 and ten digits) has those ten digits as its national number. Parsing a number
    costs ~80 µs, a third of the time a client takes to build."""
    if len(e164) == 12 and e164.startswith("+1") and e164[2:].isdigit():
        return e164[2:]
    return n.phone_national_digits(e164)


def index_entries(
    spec: ClientSpec, numbers: list[str], contacts: list[tuple[str, str, str, str]]
) -> tuple[set[str], set[str]]:
    """The search tokens and match keys the services store for this client (indexing.py), with
    the phone parts computed without parsing. `verify_index_entries` proves them equal."""
    tokens = tokens_for(spec, [], [(f, l, e, "") for f, l, e, _p in contacts])  # type: ignore[arg-type]  # noqa: E741
    keys = client_match_keys(spec, [])  # type: ignore[arg-type]
    for number in numbers:
        national = _national_digits(number)
        if national:
            tokens.update(t[:64] for t in (national, national[-7:], national[-4:]) if t)
            if len(national) >= 7:
                keys.add(f"p:{national[-7:]}"[:120])
    for *_names, number in contacts:
        national = _national_digits(number) if number else ""
        if national:
            tokens.update(t[:64] for t in (national, national[-7:], national[-4:]) if t)
    return tokens, keys


class IndexMismatchError(RuntimeError):
    """indexing.py changed in a way the generator's shortcut does not follow."""


def verify_index_entries(
    spec: ClientSpec,
    numbers: list[str],
    contacts: list[tuple[str, str, str, str]],
    tokens: set[str],
    keys: set[str],
) -> None:
    expected_tokens = tokens_for(spec, numbers, contacts)  # type: ignore[arg-type]
    expected_keys = client_match_keys(spec, numbers)  # type: ignore[arg-type]
    if tokens != expected_tokens or keys != expected_keys:
        raise IndexMismatchError(
            f"Generated index rows differ from indexing.py for client {spec.id}: "
            f"tokens {sorted(tokens ^ expected_tokens)}, keys {sorted(keys ^ expected_keys)}"
        )
