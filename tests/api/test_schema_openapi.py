"""The OpenAPI schema: generated without a warning (`manage.py spectacular --validate
--fail-on-warn`, as CI may run it), served at /api/schema/, and documenting every
refusal of the residents' and the login operations with the one error body."""

import pytest
import yaml
from django.core.management import call_command
from resident_fixtures import api_client

ERROR_REF = "#/components/schemas/Error"
MINE = ("/api/v1/auth/", "/api/v1/resident/")


@pytest.fixture
def served(db) -> dict:
    response = api_client().get("/api/schema/", {"format": "json", "lang": "en"})
    assert response.status_code == 200
    return response.json()


def test_the_schema_generates_without_warnings_and_validates(tmp_path):
    """drf-spectacular fails on the first warning or an invalid OpenAPI document."""
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/resident/complaints/" in schema["paths"]


def test_the_error_body_is_one_component(served):
    error = served["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "detail"]
    assert set(error["properties"]) == {"code", "detail", "errors"}


def test_every_refusal_of_mine_has_the_error_body(served):
    """Each 4xx of the residents' and login operations is the Error component."""
    seen = set()
    for path, operations in served["paths"].items():
        if not path.startswith(MINE):
            continue
        for method, operation in operations.items():
            refusals = {
                code: item for code, item in operation["responses"].items() if code[0] == "4"
            }
            assert refusals, f"{method} {path} documents no refusal"
            for code, response in refusals.items():
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": ERROR_REF}, (method, path, code)
                seen.add(code)
    assert seen == {"400", "401", "403", "404", "409", "429"}


def test_resident_operations_need_a_token_or_the_session(served):
    operation = served["paths"]["/api/v1/resident/complaints/"]["get"]
    assert operation["security"] == [{"knoxApiToken": []}, {"cookieAuth": []}]
    schemes = served["components"]["securitySchemes"]
    assert schemes["knoxApiToken"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'Token-based authentication with required prefix "Token"',
    }
    assert schemes["cookieAuth"] == {"type": "apiKey", "in": "cookie", "name": "sessionid"}
    assert served["paths"]["/api/v1/auth/login/"]["post"]["security"] == [{}]
