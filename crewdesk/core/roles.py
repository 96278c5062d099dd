"""The four roles of DESIGN §1."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    OFFICE = "office", _("Office")
    EMPLOYEE = "employee", _("Employee")
    CUSTOMER = "customer", _("Customer")


STAFF_ROLES = frozenset({Role.OWNER, Role.OFFICE, Role.EMPLOYEE})
OFFICE_ROLES = frozenset({Role.OWNER, Role.OFFICE})
