"""The public document links of DESIGN §6 (`/d/<token>/`), no login: billing/public_views.py."""

from django.urls import path

from crewdesk.billing import public_views as views

app_name = "public_documents"

urlpatterns = [
    path("<str:token>/", views.document_page, name="view"),
    path("<str:token>/pdf", views.document_pdf, name="pdf"),
    path("<str:token>/logo", views.document_logo, name="logo"),
]
