"""Where the time of a first PDF goes (issue 12: a 20-line invoice with a logo in 200 ms, a
500-invoice batch in 20 s and 1.5 GB). Builds a throwaway SQLite world through the services,
then times each first render (the content cache cleared) under cProfile and prints the cost by
stage: Django templates, WeasyPrint's parsing, cascade, layout, fonts and write_pdf.

    PYTHONPATH=$PWD .venv/bin/python bench/pdf_profile.py [--invoices 500] [--png DIR]
"""

import argparse
import cProfile
import os
import pstats
import resource
import sys
import tempfile
import time

WORK = tempfile.mkdtemp(prefix="pdf-profile-")
os.environ["DATABASE_URL"] = f"sqlite:///{WORK}/db.sqlite3"
os.environ["CREWDESK_DATA_DIR"] = WORK
os.environ["MEDIA_ROOT"] = f"{WORK}/media"
os.environ.setdefault("SECRET_KEY", "pdf-profile-only-" + "x" * 40)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crewdesk.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

# Where a profile's time goes: the first stage whose module or function matches a frame.
STAGES = [
    ("write_pdf", ("weasyprint/pdf", "pydyf", "write_pdf")),
    ("fonts", ("weasyprint/text/fonts", "fontconfig", "harfbuzz", "fontTools")),
    ("text shaping", ("weasyprint/text",)),
    ("layout", ("weasyprint/layout", "weasyprint/formatting_structure")),
    ("style cascade", ("weasyprint/css", "cssselect2", "tinycss2")),
    ("HTML parse", ("html5lib", "weasyprint/html")),
    ("images", ("weasyprint/images", "PIL")),
    ("Django templates", ("django/template", "django/utils")),
    ("database", ("django/db", "sqlite3")),
]


def stage_times(profile: cProfile.Profile) -> dict[str, float]:
    """Own time (tottime) of every function, summed by stage."""
    stats = pstats.Stats(profile).stats
    out: dict[str, float] = {}
    for (filename, _line, name), (_cc, _nc, tottime, _ct, _callers) in stats.items():
        where = f"{filename}:{name}"
        stage = next((s for s, keys in STAGES if any(k in where for k in keys)), "other")
        out[stage] = out.get(stage, 0.0) + tottime
    return out


def world(invoices: int):
    from django.core.files.base import ContentFile

    from crewdesk.billing import services
    from crewdesk.billing.services import LineInput
    from crewdesk.clients.services import ClientInput, client_create
    from crewdesk.core.models import Brand
    from crewdesk.core.roles import Role
    from tests.billing.documents_world import logo_png, set_up_company
    from tests.factories import CompanyFactory, MembershipFactory, UserFactory

    company = CompanyFactory(name="Acme Cleaning", slug="acme", country="US")
    owner = MembershipFactory(user=UserFactory(username="owner"), company=company, role=Role.OWNER)
    set_up_company(owner)
    brand = Brand.objects.create(
        company=company,
        name="Sparkle Crew",
        email="billing@sparkle.example",
        phone="(415) 555-0100",
        website="https://sparkle.example",
        street="500 Market St",
        city="San Francisco",
        region="CA",
        postal_code="94105",
        country="US",
        is_default=True,
    )
    brand.logo.save("logo.png", ContentFile(logo_png()), save=True)
    client = client_create(
        actor=owner,
        data=ClientInput(
            fields={"first_name": "Dave", "last_name": "Dawson", "email": "d@example.net"}
        ),
    )
    client.billing_name = "Dawson Holdings LLC"
    client.street, client.city, client.region, client.postal_code = (
        "77 Elm St",
        "Oakland",
        "CA",
        "94607",
    )
    client.save()
    lines = [LineInput(f"Line {n}: standard clean of room {n}", "35.00") for n in range(1, 21)]
    single = services.invoice_create(
        actor=owner, client=client, lines=lines, issue=True, customer_message="Thank you!"
    )
    many = [
        services.invoice_create(
            actor=owner,
            client=client,
            lines=[LineInput("Standard clean", "120.00"), LineInput("Linen change", "15.00")],
            issue=True,
        ).pk
        for _ in range(invoices)
    ]
    batch = services.batch_create(actor=owner, client=client, invoices=many)
    return single, batch


def timed(label: str, render, png_dir: str | None, profiled: bool = True):
    from crewdesk.billing import documents

    if not profiled:
        walls, cpus = [], []
        for _ in range(5 if label == "invoice" else 1):  # a loaded machine: the best of five
            documents._pdf_cache.clear()
            started, cpu = time.perf_counter(), time.process_time()
            data = render()
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
        wall, cpu = min(walls) * 1000, min(cpus) * 1000
        print(f"{label}: {wall:.0f} ms wall, {cpu:.0f} ms CPU (first render, best of {len(walls)})")
        save_png(data, label, png_dir)
        return data
    documents._pdf_cache.clear()
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    data = render()
    profile.disable()
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = len(data) / 1024
    print(f"\n{label}: {wall * 1000:.0f} ms (profiled), {size:.0f} KiB, peak RSS {peak:.0f} MB")
    for stage, seconds in sorted(stage_times(profile).items(), key=lambda kv: -kv[1]):
        print(f"  {stage:18} {seconds * 1000:8.0f} ms")
    pstats.Stats(profile).sort_stats("tottime").print_stats(12)
    # The same render again without the profiler: the time a user sees.
    documents._pdf_cache.clear()
    started = time.perf_counter()
    render()
    print(
        f"{label}: {(time.perf_counter() - started) * 1000:.0f} ms wall (unprofiled, first render)"
    )
    save_png(data, label, png_dir)
    return data


def save_png(data: bytes, label: str, png_dir: str | None) -> None:
    if png_dir:
        from tests.billing.documents_world import pdf_first_page_png

        os.makedirs(png_dir, exist_ok=True)
        pdf_first_page_png(data, os.path.join(png_dir, f"{label}.png"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=500)
    parser.add_argument("--png", help="save each document's first page as PNG here")
    parser.add_argument("--only", choices=["invoice", "batch"])
    parser.add_argument("--quick", action="store_true", help="time only, no profile")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    single, batch = world(args.invoices)

    from crewdesk.billing import documents

    # Warm: imports, the stylesheet, fontconfig, the logo (what a running server already has).
    documents.invoice_pdf(invoice=single)
    if args.only != "batch":
        timed("invoice", lambda: documents.invoice_pdf(invoice=single), args.png, not args.quick)
    if args.only != "invoice":
        timed("batch", lambda: documents.batch_pdf(batch=batch), args.png, not args.quick)


if __name__ == "__main__":
    sys.exit(main())
