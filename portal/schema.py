"""OpenAPI extensions, registered on import from PortalConfig.ready()."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class SessionTokenScheme(OpenApiAuthenticationExtension):
    target_class = "portal.authentication.SessionTokenAuthentication"
    name = "sessionToken"

    def get_security_definition(self, auto_schema):  # noqa: ANN001, ANN201
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Session-Token",
            "description": (
                "Session token from allauth headless (app client): POST /_allauth/app/v1/auth/login."
            ),
        }


ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error has this one shape.",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer", "description": "The HTTP status, repeated."},
                "code": {"type": "string", "description": "Stable machine code, e.g. invalid, not_found."},
                "message": {"type": "string", "description": "For people, in the request's language."},
                "fields": {
                    "type": "object",
                    "description": "Field name → messages, for refusals of particular fields.",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}

_DESCRIPTIONS = {
    "400": "The request is not valid (see error.fields).",
    "401": "No valid X-Session-Token or session.",
    "403": "Signed in, but not allowed.",
    "404": "No such object, or not yours.",
    "405": "This method is not allowed here.",
    "409": "Not allowed in the object's current state.",
    "413": "The upload is too large.",
    "415": "Unsupported media type.",
    "429": "Too many requests; retry later (see Retry-After).",
}


# DRF refuses NUL characters in every text field (and PostgreSQL could not store them): say so.
# A field that may not be blank is stripped first, so it needs one character that is not a space.
NO_NUL = "^[^\\u0000]*$"
# Python's str.strip() (DRF trims with it) and a JSON-schema validator's \s disagree (\x1c-\x1f, \x85,
# \ufeff), so the characters that count as blank are spelled out: exactly those Python strips.
_BLANK = (
    "\\t\\n\\u000b\\u000c\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680"
    "\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
)
NOT_BLANK = f"^[^\\u0000]*[^\\u0000{_BLANK}][^\\u0000]*$"


def _forbid_nul(node: object) -> None:
    if isinstance(node, dict):
        if node.get("type") == "string" and not {"format", "enum", "pattern"} & node.keys():
            node["pattern"] = NOT_BLANK if node.get("minLength", 0) >= 1 else NO_NUL
        for value in node.values():
            _forbid_nul(value)
    elif isinstance(node, list):
        for value in node:
            _forbid_nul(value)


def document_error_responses(result: dict, generator: object, request: object, public: bool) -> dict:
    """drf-spectacular postprocessing hook: declare, on every operation, the error answers the API
    really gives, all with the one error shape (clients and fuzzers can then rely on the schema)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, component in schemas.items():
        if name.endswith("Request"):
            _forbid_nul(component)
    schemas["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = ["400", "404", "405", "429"]
            if operation.get("security") != [{}] and {} not in operation.get("security", []):
                codes += ["401", "403"]
            if method in ("post", "put", "patch", "delete"):
                codes += ["409", "413", "415"]
            for code in codes:
                operation["responses"].setdefault(
                    code,
                    {
                        "description": _DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
