"""A handful of realistic clients for the demo company (seed_demo), made through the services
so they are indexed, logged and checked like any other."""

from datetime import timedelta

from django.utils import timezone

from crewdesk.accounts.models import Membership
from crewdesk.clients import services
from crewdesk.clients.models import Client
from crewdesk.clients.services import ClientInput

# (fields, phones, tags)
DEMO_CLIENTS = [
    (
        {
            "kind": "company",
            "company_name": "Harbourview Rentals LLC",
            "first_name": "Sam",
            "last_name": "Patel",
            "billing_name": "Harbourview Rentals LLC, Accounts Payable",
            "email": "sam@harbourview.example",
            "client_type": "vacation_rental",
            "lead_source": "Referral",
            "rating": 5,
            "street": "88 Embarcadero",
            "city": "San Francisco",
            "region": "CA",
            "postal_code": "94111",
        },
        [("work", "+1 415 555 0142"), ("mobile", "+1 415 555 0143")],
        ["Airbnb", "VIP", "Net 30"],
    ),
    (
        {
            "first_name": "José",
            "last_name": "Núñez",
            "email": "jose.nunez@example.com",
            "client_type": "residential",
            "lead_source": "Google",
            "rating": 4,
            "language": "es",
            "street": "1450 Valencia St",
            "city": "San Francisco",
            "region": "CA",
            "postal_code": "94110",
            "preferred_contact": "sms",
        },
        [("mobile", "(415) 555-0175")],
        ["Weekly"],
    ),
    (
        {
            "first_name": "Margaret",
            "last_name": "O'Brien",
            "email": "maggie.obrien@example.com",
            "client_type": "residential",
            "lead_source": "Nextdoor",
            "rating": 3,
            "street": "22 Elm Court",
            "city": "Oakland",
            "region": "CA",
            "postal_code": "94611",
        },
        [("home", "510-555-0114")],
        ["Biweekly"],
    ),
    (
        {
            "kind": "company",
            "company_name": "Bayside Property Management",
            "email": "office@baysidepm.example",
            "client_type": "property_manager",
            "lead_source": "Website",
            "rating": 4,
            "street": "300 Grand Ave",
            "city": "Oakland",
            "region": "CA",
            "postal_code": "94610",
            "tax_exempt": False,
        },
        [("work", "+1 510 555 0190")],
        ["Net 30", "Commercial"],
    ),
    (
        {
            "first_name": "Wei",
            "last_name": "Chen",
            "email": "wei.chen@example.com",
            "client_type": "vacation_rental",
            "lead_source": "Airbnb host group",
            "street": "9 Ocean View Dr",
            "city": "Pacifica",
            "region": "CA",
            "postal_code": "94044",
        },
        [("mobile", "650 555 0123")],
        ["Airbnb"],
    ),
    (
        {
            "first_name": "Priya",
            "last_name": "Raman",
            "email": "priya.raman@example.com",
            "client_type": "residential",
            "lead_source": "Referral",
            "rating": 5,
            "street": "51 Castro St",
            "city": "Mountain View",
            "region": "CA",
            "postal_code": "94041",
        },
        [("mobile", "+1 650 555 0188")],
        ["VIP"],
    ),
    (
        {
            "first_name": "Tom",
            "last_name": "Fischer",
            "email": "tom@fischerhaus.example",
            "client_type": "residential",
            "lead_source": "Door hanger",
            "street": "7 Hillcrest Rd",
            "city": "Berkeley",
            "region": "CA",
            "postal_code": "94705",
        },
        [("home", "510 555 0166")],
        [],
    ),
    (
        {
            "kind": "company",
            "company_name": "Golden Gate Dental",
            "email": "frontdesk@ggdental.example",
            "client_type": "commercial",
            "lead_source": "Google",
            "street": "2100 Webster St",
            "city": "San Francisco",
            "region": "CA",
            "postal_code": "94115",
        },
        [("work", "415-555-0107")],
        ["Commercial", "Nightly"],
    ),
    # Entered twice by mistake, the way it happens: a typo and a reformatted phone. The
    # suspected-duplicates page shows this pair.
    (
        {
            "first_name": "Margret",
            "last_name": "OBrien",
            "email": "",
            "client_type": "residential",
            "street": "22 Elm Court",
            "city": "Oakland",
            "region": "CA",
            "postal_code": "94611",
        },
        [("home", "(510) 555-0114")],
        [],
    ),
]


def demo_clients_load(owner: Membership) -> Client | None:
    """Create the demo clients unless the company has clients already; return the client the
    demo customer logs in as."""
    if Client.objects.filter(company_id=owner.company_id).exists():
        return Client.objects.filter(
            company_id=owner.company_id, email="sam@harbourview.example"
        ).first()
    created = [
        services.client_create(
            actor=owner,
            data=ClientInput(fields=fields, phones=phones, tags=tags),
            allow_duplicate=True,
        )
        for fields, phones, tags in DEMO_CLIENTS
    ]
    harbourview, jose, maggie, bayside = created[:4]
    services.contact_create(
        actor=owner,
        client=harbourview,
        values={
            "first_name": "Sam",
            "last_name": "Patel",
            "role": "billing",
            "email": "sam@harbourview.example",
        },
    )
    services.contact_create(
        actor=owner,
        client=harbourview,
        values={
            "first_name": "Lena",
            "last_name": "Ortiz",
            "role": "emergency",
            "phone": "+1 415 555 0144",
        },
    )
    services.contact_create(
        actor=owner,
        client=bayside,
        values={
            "first_name": "Ray",
            "last_name": "Ng",
            "role": "billing",
            "email": "ap@baysidepm.example",
        },
    )
    services.notice_create(
        actor=owner,
        client=harbourview,
        text="Lockbox code changes every Monday: check the host app.",
    )
    services.notice_create(
        actor=owner, client=maggie, text="Large dog (friendly). Keep the side gate closed."
    )
    today = timezone.localdate()
    services.reminder_create(
        actor=owner, client=harbourview, text="Send the spring deep-clean quote", due_on=today
    )
    services.reminder_create(
        actor=owner,
        client=jose,
        text="Ask for a review after the next visit",
        due_on=today + timedelta(days=3),
    )
    services.note_create(
        actor=owner,
        client=jose,
        text="Prefers texts in Spanish. Pays by Zelle.",
        visibility="internal",
    )
    services.note_create(
        actor=owner,
        client=harbourview,
        text="Turnover checklist: fresh linens, restock coffee pods, photos of every room.",
        visibility="customer",
    )
    return harbourview
