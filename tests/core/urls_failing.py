"""The project's URLs plus a page that fails, for the 500 page's test."""

from django.urls import path

from crewdesk.urls import handler403, handler404, handler500  # noqa: F401 (read by Django)
from crewdesk.urls import urlpatterns as project_urlpatterns


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), *project_urlpatterns]
