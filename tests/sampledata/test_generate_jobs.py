"""generate_jobs (and generate_data's jobs): properties and consistent jobs for generated
clients."""

import io
import zoneinfo
from collections import Counter, defaultdict

from django.core.management import call_command
from django.utils import timezone

from crewdesk.accounts.models import Membership
from crewdesk.clients.models import Client
from crewdesk.core.models import Company
from crewdesk.core.money import line_total
from crewdesk.core.roles import Role
from crewdesk.jobs.models import Job, JobAssignment, JobLine, JobStatus
from crewdesk.properties.models import Property
from crewdesk.sampledata.bulk.company import company_for_generation
from crewdesk.sampledata.bulk.generate_clients import generate_clients
from crewdesk.sampledata.bulk.generate_jobs import generate_jobs


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def assert_consistent(company: Company) -> None:
    zone = zoneinfo.ZoneInfo(company.timezone)
    jobs = list(Job.objects.filter(company=company).select_related("property"))
    assert jobs
    lines = defaultdict(list)
    for line in JobLine.objects.filter(job__company=company):
        assert line.company_id == company.pk
        lines[line.job_id].append(line)
    crews = Counter()
    staff = set(
        Membership.objects.filter(company=company, role__in=[Role.EMPLOYEE]).values_list(
            "pk", flat=True
        )
    )
    for assignment in JobAssignment.objects.filter(job__company=company):
        assert assignment.company_id == company.pk
        assert assignment.membership_id in staff
        crews[assignment.job_id] += 1
    today = timezone.localdate(timezone=zone)
    for job in jobs:
        assert job.company_id == company.pk == job.property.company_id
        assert job.client_id == job.property.client_id
        assert job.scheduled_date == timezone.localtime(job.scheduled_start, zone).date()
        assert job.scheduled_end > job.scheduled_start
        assert len(lines[job.pk]) == 1
        assert job.total == sum(line_total(ln.quantity, ln.unit_price) for ln in lines[job.pk])
        assert crews[job.pk] <= 2
        if job.status != JobStatus.PENDING:
            assert crews[job.pk] >= 1
        if job.scheduled_date < today:
            assert job.status in (JobStatus.FINISHED, JobStatus.CANCELLED)
        elif job.scheduled_date > today:
            assert job.status in (JobStatus.PENDING, JobStatus.CANCELLED)
        if job.bad_debt:
            assert job.status == JobStatus.FINISHED
    clients = Client.objects.filter(company=company)
    assert not clients.filter(properties__isnull=True, merged_into__isnull=True).exists()
    assert Property.objects.filter(company=company).exclude(client__company=company).count() == 0


def properties_per_client(company: Company) -> dict[int, int]:
    return Counter(Property.objects.filter(company=company).values_list("client", flat=True))


def test_generate_data_adds_properties_and_consistent_jobs(db, data_dir):
    out = run("generate_data", "--clients", "150", "--company", "gen-jobs", "--seed", "t")
    assert "properties" in out and "jobs" in out
    company = Company.objects.get(slug="gen-jobs")
    clients = Client.objects.filter(company=company).count()
    properties = Property.objects.filter(company=company).count()
    jobs = Job.objects.filter(company=company).count()
    assert clients == 150
    assert 1.05 * clients <= properties <= 1.4 * clients
    assert 2 * clients <= jobs <= 4 * clients
    assert JobLine.objects.filter(company=company).count() == jobs
    assert Property.objects.filter(company=company).exclude(access_notes="").exists()
    assert Membership.objects.filter(company=company, role=Role.EMPLOYEE).count() >= 10
    assert {JobStatus.FINISHED, JobStatus.PENDING} <= set(
        Job.objects.filter(company=company).values_list("status", flat=True)
    )
    assert_consistent(company)
    # Each client is found by its properties' words, as one made through the pages is.
    from crewdesk.clients.indexing import client_index_refresh
    from crewdesk.clients.models import ClientToken

    prop = Property.objects.filter(company=company).exclude(street="").first()
    generated = set(ClientToken.objects.filter(client=prop.client).values_list("token", flat=True))
    client_index_refresh(prop.client)
    assert set(
        ClientToken.objects.filter(client=prop.client).values_list("token", flat=True)
    ) <= generated | {""}

    # Again, for the same company: more clients; the ones with properties get none again.
    before = properties_per_client(company)
    run("generate_data", "--clients", "20", "--company", "gen-jobs", "--seed", "u")
    after = properties_per_client(company)
    assert {c: after[c] for c in before} == before
    assert len(after) == 170
    assert_consistent(company)


def test_generate_data_without_jobs_then_jobs_only(db, data_dir):
    run("generate_data", "--clients", "40", "--company", "gen-later", "--no-jobs")
    company = Company.objects.get(slug="gen-later")
    assert not Property.objects.filter(company=company).exists()
    assert not Job.objects.filter(company=company).exists()
    run("generate_data", "--jobs-only", "--company", "gen-later", "--employees", "3")
    assert Property.objects.filter(company=company).count() >= 40
    assert Membership.objects.filter(company=company, role=Role.EMPLOYEE).count() == 3
    assert_consistent(company)


def test_generate_jobs_keeps_existing_crew_and_other_companies(owner, outsider, data_dir):
    generated = company_for_generation("gen-crew")
    generate_clients(generated, count=30, seed="c")
    result = generate_jobs(generated, seed="c", employees=12, jobs_per_client=2)
    assert result.employees == 12 and result.clients == 30
    assert result.jobs == Job.objects.filter(company=generated.company).count()
    # a second run finds every client served already: nothing new, and no new crew
    again = generate_jobs(generated, seed="d", employees=12)
    assert again.jobs == again.properties == 0
    assert Membership.objects.filter(company=generated.company, role=Role.EMPLOYEE).count() == 12
    assert not Job.objects.filter(company=owner.company).exists()
    assert not Property.objects.filter(company=outsider.company).exists()
