"""Writes about companies and brands."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crewdesk.accounts.models import Membership, User
from crewdesk.core import events
from crewdesk.core.changes import apply_changes
from crewdesk.core.models import Brand, Company
from crewdesk.core.permissions import Action, require
from crewdesk.core.roles import Role

COMPANY_SETTINGS_FIELDS = (
    "name",
    "currency",
    "timezone",
    "country",
    "default_tax_rate",
    "card_fee_percent",
    "invoice_prefix",
)

MSG_SAME_COMPANY = gettext_lazy("%(owner)s already owns %(name)s (%(slug)s): nothing was created.")


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "company"
    slug, n = base, 2
    while Company.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def company_create(
    *,
    name: str,
    owner_username: str,
    owner_email: str,
    owner_first_name: str = "",
    owner_last_name: str = "",
    slug: str | None = None,
    **settings_fields,
) -> Membership:
    """A new company with its default brand and its first owner (a new or existing user).

    The same owner never gets a second company of the same name: running the same
    `create_company` twice is a mistake to report, not a copy to make."""
    same = Company.objects.filter(
        name__iexact=name.strip(),
        memberships__user__username__iexact=owner_username,
        memberships__role=Role.OWNER,
    ).first()
    if same is not None:
        raise ValidationError(
            {
                "name": MSG_SAME_COMPANY
                % {"owner": owner_username, "name": same.name, "slug": same.slug}
            }
        )
    company = Company(name=name, slug=slug or _unique_slug(name), **settings_fields)
    company.full_clean()
    company.save()
    Brand.objects.create(company=company, name=name, is_default=True)
    user = User.objects.filter(username__iexact=owner_username).first()
    if user is None:
        user = User(
            username=owner_username,
            email=owner_email,
            first_name=owner_first_name,
            last_name=owner_last_name,
        )
        user.set_unusable_password()
        user.full_clean()
        user.save()
    elif user.email.lower() != owner_email.lower():
        raise ValidationError(
            {"owner_username": _("A user with this username exists with another email.")}
        )
    membership = Membership.objects.create(user=user, company=company, role=Role.OWNER)
    events.company_created_event(membership=membership)
    return membership


@transaction.atomic
def company_update(*, actor: Membership, company: Company, data: dict) -> Company:
    require(actor, Action.MANAGE_COMPANY)
    if company.pk != actor.company_id:
        raise Company.DoesNotExist
    changes = apply_changes(
        company, {field: data[field] for field in COMPANY_SETTINGS_FIELDS if field in data}
    )
    company.full_clean()
    if changes:
        company.save(update_fields=list(changes))
        events.company_updated_event(actor=actor, changes=changes)
    return company
