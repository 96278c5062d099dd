"""The API's error kit (crewdesk/api/errors.py) that every app's api.py uses: the error
responses an operation declares, and a service's refusal as a 409."""

import pytest
from django.core.exceptions import ValidationError

from crewdesk.api.errors import (
    BODY_ERRORS,
    COMMON_ERRORS,
    CONFLICT_ERRORS,
    Conflict,
    ErrorOut,
    ValidationErrorOut,
    refusal_is_conflict,
)


class Forbidden(Exception):
    pass


def test_the_error_lists_add_up():
    assert set(COMMON_ERRORS) == {401, 403, 404, 422}
    assert COMMON_ERRORS[422] is ValidationErrorOut
    assert set(CONFLICT_ERRORS) == {*COMMON_ERRORS, 409} and CONFLICT_ERRORS[409] is ErrorOut
    assert set(BODY_ERRORS) == {*CONFLICT_ERRORS, 400} and BODY_ERRORS[400] is ErrorOut


def test_a_refusal_of_the_whole_action_is_a_conflict():
    with pytest.raises(Conflict) as conflict, refusal_is_conflict():
        raise ValidationError(["The primary contact cannot be deleted.", "Pick another."])
    assert conflict.value.detail == "The primary contact cannot be deleted. Pick another."


def test_the_refusals_named_are_conflicts_too():
    with pytest.raises(Conflict) as conflict, refusal_is_conflict(Forbidden):
        raise Forbidden("A finished job cannot start again.")
    assert conflict.value.detail == "A finished job cannot start again."
    with pytest.raises(Forbidden), refusal_is_conflict():
        raise Forbidden("not named here")


def test_a_fields_error_stays_a_validation_error():
    with pytest.raises(ValidationError) as error, refusal_is_conflict(Forbidden):
        raise ValidationError({"email": ["Enter a valid email address."]})
    assert error.value.message_dict == {"email": ["Enter a valid email address."]}
