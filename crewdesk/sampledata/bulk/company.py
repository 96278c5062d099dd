"""The company generate_data fills, and the owner it acts as."""

from crewdesk.accounts.models import Membership
from crewdesk.accounts.services import company_create
from crewdesk.core.models import Company
from crewdesk.core.roles import Role

DEFAULT_COMPANY_NAME = "Sparkle Home Services"


def company_for_generation(slug: str | None) -> Membership:
    """The owner membership of the company to fill: the one named by `slug`, created (with an
    owner) when it does not exist yet, or a new company when no slug is given."""
    if slug:
        company = Company.objects.filter(slug=slug).first()
        if company is not None:
            owner = (
                Membership.objects.filter(company=company, role=Role.OWNER, active=True)
                .select_related("user", "company")
                .order_by("id")
                .first()
            )
            if owner is None:
                raise ValueError(f"The company {slug} has no active owner to add clients as.")
            return owner
    company_slug = slug
    if company_slug is None:
        company_slug, i = "generated", 1
        while Company.objects.filter(slug=company_slug).exists():
            i += 1
            company_slug = f"generated-{i}"
    return company_create(
        name=DEFAULT_COMPANY_NAME if not slug else slug.replace("-", " ").title(),
        slug=company_slug,
        owner_username=f"owner-{company_slug}"[:150],
        owner_email=f"owner@{company_slug}.example.com",
        owner_first_name="Olivia",
        owner_last_name="Owner",
    )
