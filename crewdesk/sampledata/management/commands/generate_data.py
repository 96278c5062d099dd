"""Realistic bulk clients, properties, jobs, invoices and payments for benchmarks
(crewdesk/sampledata/bulk/)."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from crewdesk.core.models import Company
from crewdesk.sampledata.bulk.company import company_for_generation
from crewdesk.sampledata.bulk.generate_clients import generate_clients
from crewdesk.sampledata.bulk.generate_invoices import BIG_CLIENT, generate_invoices
from crewdesk.sampledata.bulk.generate_jobs import generate_jobs
from crewdesk.sampledata.bulk.recall import measure_duplicate_check, summary_line
from crewdesk.sampledata.bulk.truth import read_truth, truth_path_for

# --fast-load's words as generate_clients and generate_jobs take them (None: decide by size).
FAST_LOAD = {"auto": None, "yes": True, "no": False}


class Command(BaseCommand):
    help = (
        "Generate realistic clients for benchmarks, with about 3% near-duplicates whose "
        "originals are recorded, and optionally measure the duplicate check against them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=0, help="how many clients to add")
        parser.add_argument(
            "--company",
            help="the company's slug; created with an owner when it does not exist "
            "(a new company when left out)",
        )
        parser.add_argument("--seed", default="0", help="the same seed gives the same data")
        parser.add_argument(
            "--duplicates-percent",
            type=float,
            default=3.0,
            help="share of near-duplicates of earlier clients (default 3)",
        )
        parser.add_argument("--batch-size", type=int, default=5000, help="clients per batch")
        parser.add_argument(
            "--fast-load",
            choices=list(FAST_LOAD),
            default="auto",
            help="PostgreSQL: load with secondary indexes dropped and rebuild them at the end, "
            "in one transaction (auto: when adding at least 50,000 clients and at least as many "
            "as the database holds)",
        )
        parser.add_argument(
            "--measure",
            action="store_true",
            help="afterwards, measure the duplicate check's recall and precision",
        )
        parser.add_argument(
            "--measure-only",
            action="store_true",
            help="generate nothing; measure the company's recorded near-duplicates",
        )
        parser.add_argument(
            "--sample", type=int, default=1000, help="near-duplicates to measure (0: all)"
        )
        parser.add_argument("--json", action="store_true", help="print the measurement as JSON")
        parser.add_argument(
            "--no-jobs",
            action="store_true",
            help="clients only: no properties, no jobs",
        )
        parser.add_argument(
            "--jobs-only",
            action="store_true",
            help="add no clients; give the company's clients that have no property yet "
            "their properties and jobs (needs --company)",
        )
        parser.add_argument(
            "--no-invoices",
            action="store_true",
            help="no invoices nor payments for the finished jobs",
        )
        parser.add_argument(
            "--invoices-only",
            action="store_true",
            help="add no clients nor jobs; invoice the finished jobs of the company's clients "
            "that have no invoice yet, with their payments (needs --company)",
        )
        parser.add_argument(
            "--client-invoices",
            type=int,
            default=0,
            help=f"also give one client ({BIG_CLIENT!r}) this many invoices (default 0)",
        )
        parser.add_argument(
            "--jobs-per-client",
            type=float,
            default=3.0,
            help="jobs per client on average, past and upcoming (default 3)",
        )
        parser.add_argument(
            "--employees",
            type=int,
            help="crew members the jobs are spread over, generated when missing "
            "(default: one per 2,000 clients, 10 to 500)",
        )

    def handle(self, *args, **options):
        if options["clients"] < 0 or not 0 <= options["duplicates_percent"] <= 50:
            raise CommandError("--clients must be positive, --duplicates-percent 0 to 50.")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be positive.")
        if options["measure_only"]:
            self._measure_only(options)
            return
        if options["jobs_per_client"] < 0 or (options["employees"] or 0) < 0:
            raise CommandError("--jobs-per-client and --employees cannot be negative.")
        if options["client_invoices"] < 0:
            raise CommandError("--client-invoices cannot be negative.")
        if options["jobs_only"] or options["invoices_only"]:
            which = "--jobs-only" if options["jobs_only"] else "--invoices-only"
            if (
                not options["company"]
                or not Company.objects.filter(slug=options["company"]).exists()
            ):
                raise CommandError(f"{which} needs --company SLUG of an existing company.")
            owner = company_for_generation(options["company"])
            if options["jobs_only"]:
                self._jobs(owner, options)
            if not options["no_invoices"]:
                self._invoices(owner, options)
            return
        if options["clients"] == 0:
            raise CommandError("Say how many clients to generate: --clients N.")
        try:
            owner = company_for_generation(options["company"])
        except (ValidationError, ValueError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from error
        company = owner.company
        self.stdout.write(f"Generating {options['clients']:,} clients for {company.slug}…")
        result = generate_clients(
            owner,
            count=options["clients"],
            seed=options["seed"],
            duplicates_percent=options["duplicates_percent"],
            batch_size=options["batch_size"],
            fast_load=FAST_LOAD[options["fast_load"]],
            progress=self._progress,
        )
        self.stdout.write(
            f"Generated {result.clients:,} clients ({result.duplicates:,} near-duplicates, "
            f"{result.rows:,} rows) for {company.name} (slug {company.slug}) "
            f"in {result.seconds:.1f} s."
        )
        self.stdout.write(f"Near-duplicates and their originals: {result.truth_path}")
        if not options["no_jobs"]:
            self._jobs(owner, options)
            if not options["no_invoices"]:
                self._invoices(owner, options)
        if options["measure"]:
            self._measure(company, result.truth, options)

    def _jobs(self, owner, options) -> None:
        self.stdout.write("Generating properties and jobs…")
        jobs = generate_jobs(
            owner,
            seed=options["seed"],
            jobs_per_client=options["jobs_per_client"],
            employees=options["employees"],
            batch_size=options["batch_size"],
            fast_load=FAST_LOAD[options["fast_load"]],
            progress=self._progress,
        )
        self.stdout.write(
            f"Generated {jobs.properties:,} properties and {jobs.jobs:,} jobs "
            f"({jobs.lines:,} lines, {jobs.assignments:,} crew assignments over "
            f"{jobs.employees} employees) for {jobs.clients:,} clients in {jobs.seconds:.1f} s."
        )

    def _invoices(self, owner, options) -> None:
        self.stdout.write("Generating invoices and payments…")
        made = generate_invoices(
            owner,
            seed=options["seed"],
            client_invoices=options["client_invoices"],
            batch_size=options["batch_size"],
            fast_load=FAST_LOAD[options["fast_load"]],
            progress=self._progress,
        )
        self.stdout.write(
            f"Generated {made.invoices:,} invoices ({made.lines:,} lines) and {made.payments:,} "
            f"payments ({made.allocations:,} allocations) for {made.clients:,} clients "
            f"in {made.seconds:.1f} s."
        )

    def _progress(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()  # shown as it happens, also when the output is a pipe or a file

    def _measure_only(self, options) -> None:
        company = Company.objects.filter(slug=options["company"] or "").first()
        if company is None:
            raise CommandError("--measure-only needs --company SLUG of a generated company.")
        path = truth_path_for(company)
        if not path.exists():
            raise CommandError(f"No recorded near-duplicates for {company.slug} ({path}).")
        self._measure(company, read_truth(path), options)

    def _measure(self, company: Company, truth: list, options) -> None:
        sample = options["sample"] or None
        result = measure_duplicate_check(company.id, truth, sample=sample)
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2, default=str))
        self.stdout.write(
            f"{summary_line(result)} (check p50 {result['ms_p50']:.1f} ms, "
            f"p95 {result['ms_p95']:.1f} ms)"
        )
