"""A copy of the job's day on each assignment, indexed by member and day: "my jobs" and the
schedule's rows read one index range (see JobAssignment)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_job_days(apps, schema_editor):
    JobAssignment = apps.get_model("jobs", "JobAssignment")
    Job = apps.get_model("jobs", "Job")
    JobAssignment.objects.update(
        scheduled_date=Subquery(Job.objects.filter(pk=OuterRef("job_id")).values("scheduled_date"))
    )


class Migration(migrations.Migration):
    dependencies = [("jobs", "0002_initial")]

    operations = [
        migrations.AddField(
            model_name="jobassignment",
            name="scheduled_date",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.RunPython(copy_job_days, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="jobassignment",
            name="scheduled_date",
            field=models.DateField(editable=False),
        ),
        migrations.AddIndex(
            model_name="jobassignment",
            index=models.Index(
                fields=["membership", "scheduled_date", "job"], name="assignment_by_member_day"
            ),
        ),
    ]
