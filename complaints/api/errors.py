"""Machine-readable errors: `{"code": "...", "detail": "..."}` in the caller's language,
with `errors` (field → messages) on a 400. The domain's errors map as everywhere:
wrong state or stale → 409, not permitted → 403, not visible → 404, invalid → 400,
filing limit → 429."""

from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from complaints.exceptions import (
    AlreadyAccepted,
    ChangedMeanwhile,
    ComplaintError,
    ComplaintNotFound,
    FilingLimitReached,
    InvalidInput,
    NotAllowed,
    ReopenWindowClosed,
    WrongState,
)

# Most specific first: the first class an error is an instance of names it.
DOMAIN_ERRORS = [
    (ComplaintNotFound, status.HTTP_404_NOT_FOUND, "not_found"),
    (AlreadyAccepted, status.HTTP_409_CONFLICT, "already_accepted"),
    (ChangedMeanwhile, status.HTTP_409_CONFLICT, "stale"),
    (WrongState, status.HTTP_409_CONFLICT, "wrong_state"),
    (ReopenWindowClosed, status.HTTP_403_FORBIDDEN, "reopen_window_closed"),
    (NotAllowed, status.HTTP_403_FORBIDDEN, "not_permitted"),
    (FilingLimitReached, status.HTTP_429_TOO_MANY_REQUESTS, "filing_limit"),
    (InvalidInput, status.HTTP_400_BAD_REQUEST, "invalid"),
]
DRF_CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "not_authenticated",
    exceptions.PermissionDenied: "not_permitted",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    exceptions.ValidationError: "invalid",
    exceptions.ParseError: "invalid",
}


def domain_error_response(error: ComplaintError) -> Response:
    for kind, status_code, code in DOMAIN_ERRORS:
        if isinstance(error, kind):
            body = {"code": code, "detail": error.message}
            if isinstance(error, InvalidInput):
                body["errors"] = {error.field or "non_field_errors": [error.message]}
            return Response(body, status=status_code)
    return Response(
        {"code": "refused", "detail": error.message}, status=status.HTTP_400_BAD_REQUEST
    )


def exception_handler(exc, context):
    """DRF's handler with one body shape for every refusal, domain errors included."""
    if isinstance(exc, ComplaintError):
        return domain_error_response(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = next((c for kind, c in DRF_CODES.items() if isinstance(exc, kind)), "error")
    if isinstance(exc, exceptions.ValidationError):
        errors = (
            response.data
            if isinstance(response.data, dict)
            else {"non_field_errors": response.data}
        )
        first = next(iter(errors.values()), [""])
        detail = first[0] if isinstance(first, list) and first else str(first)
        response.data = {"code": code, "detail": str(detail), "errors": errors}
    else:
        response.data = {"code": code, "detail": str(response.data.get("detail", ""))}
    return response


# The error body in the schema: one component, "Error", for every part of the API.


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {
            "oneOf": [
                {"type": "array", "items": {"type": "string"}},
                {"type": "object", "additionalProperties": True},
            ]
        },
        "description": "On a 400: each field's messages (a nested object for a field that "
        "holds a list or an object); `non_field_errors` for the input as a whole.",
    }
)
class FieldErrorsField(serializers.DictField):
    pass


class ErrorSerializer(serializers.Serializer):
    """The body of every refusal (complaints.api.errors)."""

    code = serializers.CharField(
        help_text="Machine-readable: invalid, not_authenticated, not_permitted, not_found, "
        "wrong_state, stale, already_accepted, reopen_window_closed, filing_limit, "
        "locked_out, throttled …"
    )
    detail = serializers.CharField(help_text="For people, in the request's language.")
    errors = FieldErrorsField(required=False)


ERROR_DESCRIPTIONS = {
    400: "Invalid input; `errors` says which field and why.",
    401: "No credentials, or a token that is wrong, expired or revoked.",
    403: "Not permitted: the caller's role may not use this, or not on this object now.",
    404: "No such object among those the caller may see.",
    409: "Wrong state for this action; `stale` when the complaint left the state the "
    "caller showed (`expected_state`).",
    429: "Too many complaints filed in the last hour, or too many failed log-ins.",
}


def error_responses(*codes: int, **descriptions: str) -> dict[int, OpenApiResponse]:
    """The documented refusals of an operation, each with the error body; `e404="..."`
    says what a 404 means here, if not the usual."""
    return {
        code: OpenApiResponse(
            ErrorSerializer,
            description=descriptions.get(f"e{code}", ERROR_DESCRIPTIONS[code]),
        )
        for code in codes
    }


def schema_error_responses(result, generator, request, public):
    """drf-spectacular post-processing hook: every operation documents the refusals it
    can give with the one Error body, so a client (and schemathesis) knows every answer;
    which ones, by what the request carries (a path id, a body, query parameters), where
    the operation does not say more itself (`error_responses`)."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            codes = [401, 403]
            if "{" in path:
                codes.append(404)
            if method in ("post", "put", "patch"):
                codes += [400, 409]
            elif any(p.get("in") == "query" for p in operation.get("parameters", [])):
                codes.append(400)
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    str(code), {"description": ERROR_DESCRIPTIONS[code], "content": error}
                )
    return result
