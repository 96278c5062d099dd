"""Normalisation: what search and the duplicate check compare, for any text people type."""

from hypothesis import given
from hypothesis import strategies as st

from crewdesk.clients import normalize as n
from crewdesk.clients.indexing import company_name_keys, person_name_keys

names = st.text(alphabet=st.characters(categories=["L", "Zs", "Pd", "Po"]), max_size=40)


@given(names)
def test_fold_is_idempotent_and_lower(text):
    folded = n.fold(text)
    assert n.fold(folded) == folded
    assert folded == folded.casefold()


@given(names)
def test_words_have_no_spaces_or_accents(text):
    for word in n.words(text):
        assert word and " " not in word
        assert n.fold(word) == word


@given(st.text(max_size=30))
def test_sound_is_short_and_stable(text):
    code = n.sound(text)
    assert len(code) <= 6
    assert n.sound(text.upper()) == code


def test_accents_and_case_do_not_matter():
    assert n.words("José NÚÑEZ-García") == ["jose", "nunez", "garcia"]
    assert n.words("O'Brien") == ["obrien"]
    assert n.fold("Zoë Straße") == "zoe strasse"
    assert n.words("Łukasz Søren Æsir") == ["lukasz", "soren", "aesir"]


def test_company_suffixes_are_not_distinctive():
    assert n.company_words("Acme, Inc.") == n.company_words("ACME inc") == ["acme"]
    assert n.company_words("The Pool Co") == ["pool"]
    assert n.company_words("Inc.") == ["inc"]  # a name of only filler keeps its words


def test_email_normal_drops_tags_and_case():
    assert n.email_normal(" Ann.Lee+spam@Example.COM ") == "ann.lee@example.com"
    assert n.email_local("ann.lee+x@gmail.com") == "annlee"


def test_phone_forms_agree():
    forms = ["5550102030", "+1 (555) 010-2030", "555.010.2030", "1-555-010-2030"]
    assert {n.phone_e164(f, "US") for f in forms} == {"+15550102030"}
    assert n.phone_national_digits("+15550102030") == "5550102030"
    assert n.phone_e164("12", "US") is None
    assert n.phone_e164("020 7946 0958", "GB") == "+442079460958"


def test_name_keys_survive_swapped_and_wrong_letters():
    john = person_name_keys("John", "Smith")
    assert john & person_name_keys("Jhon", "Smtih")  # swapped letters
    assert john & person_name_keys("John", "Smyth")  # a wrong letter, same sound
    assert company_name_keys("Acme, Inc.") == company_name_keys("ACME inc")


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=12))
def test_swapping_two_letters_keeps_the_sorted_letters_key(last):
    swapped = last[1] + last[0] + last[2:]
    assert person_name_keys("Ann", last) & person_name_keys("Ann", swapped)
