"""The property pages and the service catalog, under /app/."""

from crewdesk.properties.views import catalog, pages

app_name = "properties"
urlpatterns = [
    *pages.urlpatterns,  # properties/<id>/, clients/<id>/properties/new/, edit, move, services
    *catalog.urlpatterns,  # services/: the company's service catalog
]
