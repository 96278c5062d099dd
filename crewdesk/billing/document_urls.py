"""The office's document downloads, under /app/ (crewdesk/urls.py)."""

from django.urls import path

from crewdesk.billing import document_views as views

app_name = "documents"

urlpatterns = [
    path("invoices/<int:invoice_id>/pdf", views.invoice_pdf, name="invoice_pdf"),
    path("batches/<int:batch_id>/pdf", views.batch_pdf, name="batch_pdf"),
    path("batches/<int:batch_id>/pdf/prepare", views.batch_pdf_prepare, name="batch_pdf_prepare"),
    path("batches/<int:batch_id>/pdf/status", views.batch_pdf_status, name="batch_pdf_status"),
]
