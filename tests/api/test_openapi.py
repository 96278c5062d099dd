"""The OpenAPI description at /api/v1/openapi.json is a valid OpenAPI document, as written: the
JSON text itself, not only the dict Python reads from it (a key written twice, such as a
response code as "200" and 200, is lost by json.loads but breaks Swagger UI's parser)."""

import json

from openapi_spec_validator import validate

SCHEMA_PATH = "/api/v1/openapi.json"


def _pairs_without_repeats(pairs: list[tuple[str, object]]) -> dict:
    keys = [key for key, _value in pairs]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    assert not repeated, f"keys written twice in one object: {repeated} in {dict(pairs)}"
    return dict(pairs)


def test_the_openapi_document_is_valid(client, db):
    response = client.get(SCHEMA_PATH)
    assert response.status_code == 200
    schema = json.loads(response.content, object_pairs_hook=_pairs_without_repeats)
    validate(schema)


def test_the_file_route_describes_its_answer_once(client, db):
    schema = client.get(SCHEMA_PATH).json()
    path = "/api/v1/jobs/{job_id}/attachments/{attachment_id}/file"
    assert schema["paths"][path]["get"]["responses"]["200"] == {"description": "The file's bytes."}
