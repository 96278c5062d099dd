"""The customer's pages. Later issues add their jobs, invoices and payments."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from crewdesk.core.decorators import member_required
from crewdesk.core.models import Brand
from crewdesk.core.permissions import Action, scope


@member_required(Action.USE_PORTAL)
def home(request: HttpRequest) -> HttpResponse:
    brand = scope(Brand.objects.all(), request.membership).filter(is_default=True).first()
    return render(request, "portal/home.html", {"brand": brand})
