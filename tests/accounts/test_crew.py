"""Who can be crew (crewdesk/accounts/selectors.py): the one rule the job form, the schedule,
a recurring service's crew picker, the generator and the services' id check all use."""

import pytest
from django.core.exceptions import ValidationError

from crewdesk.accounts.models import Membership
from crewdesk.accounts.selectors import can_be_crew, crew_list, crew_members, crew_only
from crewdesk.core.roles import Role
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def former(company_a):
    user = UserFactory(username="fred", first_name="Fred")
    return MembershipFactory(user=user, company=company_a, role=Role.EMPLOYEE, active=False)


def test_the_crew_is_the_active_staff_of_the_company(
    owner, office, employee, customer, former, outsider
):
    assert set(crew_list(viewer=office)) == {owner, office, employee}
    assert set(crew_only(members=Membership.objects.all())) == {owner, office, employee, outsider}
    assert [can_be_crew(member=m) for m in (owner, office, employee, customer, former)] == [
        True,
        True,
        True,
        False,
        False,
    ]


def test_the_crew_is_listed_by_first_name(company_a, office):
    zed = MembershipFactory(user=UserFactory(first_name="Zed"), company=company_a)
    amy = MembershipFactory(user=UserFactory(first_name="Amy"), company=company_a)
    office.user.first_name = "Mia"
    office.user.save()
    assert list(crew_list(viewer=office)) == [amy, office, zed]


def test_ids_sent_become_the_crew_in_order_without_repeats(owner, office, employee):
    assert crew_members(viewer=owner, ids=[employee.pk, str(office.pk), employee.pk]) == [
        employee,
        office,
    ]
    assert crew_members(viewer=owner, ids=[]) == [] == crew_members(viewer=owner, ids=None)


@pytest.mark.parametrize("who", ["customer", "former"])
def test_someone_who_cannot_be_crew_is_a_field_error(request, owner, who):
    member = request.getfixturevalue(who)
    with pytest.raises(ValidationError) as error:
        crew_members(viewer=owner, ids=[member.pk], field="crew")
    assert error.value.message_dict == {"crew": ["Only active team members can be crew."]}


def test_another_companys_member_is_no_such_record(owner, outsider):
    with pytest.raises(ValidationError) as error:
        crew_members(viewer=owner, ids=[outsider.pk])
    assert error.value.message_dict == {"assignees": ["No such record in your company."]}
