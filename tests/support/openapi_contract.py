"""Validate bodies against the official OpenAPI document in ../shared (JSON Schema 2020-12).

`response_schema(doc, path, method, status)` and `request_schema(doc, path)` return a validator
for one operation; `$ref`s resolve inside the document. Paths are the OpenAPI templates
(`/v2/{endpoint}/{id}`); `template_for(doc, "/v2/retake/abc")` finds the template of a concrete
path.
"""

from __future__ import annotations

import re
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

_ROOT = "urn:ltx-openapi"


def _validator(doc: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    resource = Resource.from_contents(doc, default_specification=_DRAFT)
    registry: Registry[Any] = Registry().with_resource(_ROOT, resource)
    rooted = _rebase(schema)
    return Draft202012Validator(rooted, registry=registry)


def _rebase(node: Any) -> Any:
    """Point local `#/components/...` refs at the registered document."""
    if isinstance(node, dict):
        return {
            k: (
                f"{_ROOT}{v}"
                if k == "$ref" and isinstance(v, str) and v.startswith("#")
                else _rebase(v)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rebase(v) for v in node]
    return node


def template_for(doc: dict[str, Any], concrete: str) -> str:
    for template in doc["paths"]:
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, concrete):
            return str(template)
    raise KeyError(f"no OpenAPI path matches {concrete}")


def documented_statuses(doc: dict[str, Any], path: str, method: str = "post") -> set[int]:
    return {int(s) for s in doc["paths"][path][method]["responses"]}


def response_schema(
    doc: dict[str, Any], path: str, method: str, status: int, content_type: str = "application/json"
) -> Draft202012Validator:
    responses = doc["paths"][path][method]["responses"]
    if str(status) not in responses:
        raise KeyError(f"{method.upper()} {path} does not document status {status}")
    content = responses[str(status)]["content"]
    return _validator(doc, content[content_type]["schema"])


def request_schema(doc: dict[str, Any], path: str) -> Draft202012Validator:
    body = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    return _validator(doc, body)


def error_schema(doc: dict[str, Any]) -> Draft202012Validator:
    """The error envelope, for statuses a route does not list (402 on v1, 413, 529)."""
    return _validator(doc, {"$ref": "#/components/schemas/Error"})


def _draft() -> Any:
    from referencing.jsonschema import DRAFT202012

    return DRAFT202012


_DRAFT = _draft()
