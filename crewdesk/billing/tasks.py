"""Background work of billing: a big batch's consolidated PDF."""

from django_tasks import task

from crewdesk.billing.documents import batch_pdf_run
from crewdesk.billing.models import BatchPdf


@task()
def batch_pdf_render(render_id: int) -> str:
    render = BatchPdf.objects.filter(pk=render_id).first()
    if render is None:
        return "skipped"
    return batch_pdf_run(render=render)
