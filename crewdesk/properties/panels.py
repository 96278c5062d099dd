"""What properties show on other apps' pages, registered in apps.py: a client profile's
Properties tab."""

from django.core.paginator import Paginator
from django.http import HttpRequest

from crewdesk.properties.display import properties_with_counts
from crewdesk.properties.selectors import properties_of_client

CLIENT_PROPERTIES_PER_PAGE = 25


def client_properties_tab(request: HttpRequest, client) -> dict:
    show_archived = request.GET.get("properties_archived") == "1"
    properties = properties_with_counts(
        properties_of_client(
            viewer=request.membership, client=client, include_archived=show_archived
        )
    )
    page = Paginator(properties, CLIENT_PROPERTIES_PER_PAGE).get_page(
        request.GET.get("properties_page")
    )
    return {"properties_page": page, "properties_archived": show_archived}
