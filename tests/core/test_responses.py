"""The one private-file response (crewdesk/core/responses.py) that job files, their thumbnails,
the API's file endpoint and note files all answer with: the same headers wherever a file is
asked for."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db.models import FileField
from django.db.models.fields.files import FieldFile
from django.http import Http404

from crewdesk.core.responses import PRIVATE, PRIVATE_FILE_CSP, private_file_response
from tests import images


def served(data: bytes, *, name: str, content_type: str, inline: bool, **kwargs):
    return private_file_response(
        ContentFile(data, name=name),
        name=name,
        content_type=content_type,
        inline=inline,
        **kwargs,
    )


def test_a_picture_is_shown_inline_with_the_private_headers():
    response = served(images.jpeg((4, 4)), name="gate.jpg", content_type="image/jpeg", inline=True)
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == PRIVATE
    assert response["Content-Security-Policy"] == PRIVATE_FILE_CSP
    assert PRIVATE_FILE_CSP.startswith("sandbox")
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_a_document_is_a_download_under_its_name():
    response = served(images.PDF, name="quote.pdf", content_type="application/pdf", inline=False)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="quote.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == images.PDF


def test_any_other_type_is_downloaded_as_plain_bytes_even_when_asked_inline():
    response = served(b"<html>", name="page.html", content_type="text/html", inline=True)
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == PRIVATE_FILE_CSP


def test_the_cache_header_can_be_longer_for_a_thumbnail():
    response = served(
        images.jpeg((4, 4)),
        name="t.jpg",
        content_type="image/jpeg",
        inline=True,
        cache="private, max-age=3600",
    )
    assert response["Cache-Control"] == "private, max-age=3600"


def test_a_missing_file_is_not_found(tmp_path):
    field = FileField(storage=FileSystemStorage(location=tmp_path))
    with pytest.raises(Http404):
        private_file_response(
            FieldFile(None, field, "gone.pdf"),
            name="gone.pdf",
            content_type="application/pdf",
            inline=False,
        )
    with pytest.raises(Http404):
        private_file_response(
            FieldFile(None, field, ""), name="", content_type="application/pdf", inline=False
        )
