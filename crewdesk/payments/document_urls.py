"""The office's payment documents under /app/ (crewdesk/urls.py): a payment's receipt PDF."""

from django.urls import path

from crewdesk.payments import document_views as views

app_name = "payment_documents"

urlpatterns = [
    path("payments/<int:payment_id>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
]
