"""The billing lists' indexes at a million clients (bench W13-W15), and Job.invoiced for the
jobs invoiced already (jobs 0007 adds it; billing.services.mark_invoiced keeps it)."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef


def mark_invoiced_jobs(apps, schema_editor):
    # As billing.services.mark_invoiced, on the historical models.
    Job = apps.get_model("jobs", "Job")
    JobLine = apps.get_model("jobs", "JobLine")
    InvoiceLine = apps.get_model("billing", "InvoiceLine")
    invoiced = InvoiceLine.objects.filter(job_line=OuterRef("pk"), active=True)
    lines = JobLine.objects.filter(job=OuterRef("pk"))
    Job.objects.filter(Exists(lines) & ~Exists(lines.exclude(Exists(invoiced)))).update(
        invoiced=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0002_batch_pdf"),
        ("jobs", "0007_invoiced"),
    ]

    operations = [
        # The invoices list's "All" and its date ranges, newest first (drafts on top).
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(fields=["company", "-issue_date", "-id"], name="invoice_recent"),
        ),
        # The invoices list's "Unpaid".
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(
                condition=models.Q(status__in=["open", "partially_paid"]),
                fields=["company", "-issue_date", "-id"],
                name="invoice_unpaid_recent",
            ),
        ),
        # A client's invoices tab and the list by client (its pages' ids from the index alone).
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(
                fields=["client", "company", "-issue_date", "-id"], name="invoice_client_recent"
            ),
        ),
        # Ready to invoice reads the jobs not marked invoiced (jobs' job_to_invoice index).
        migrations.RunPython(mark_invoiced_jobs, migrations.RunPython.noop, elidable=True),
    ]
