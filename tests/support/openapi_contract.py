"""Validate bodies against the official OpenAPI document in ../shared (JSON Schema 2020-12).

`response_schema(doc, path, method, status)` and `request_schema(doc, path)` return a validator
for one operation; `$ref`s resolve inside the document. Paths are the OpenAPI templates
(`/v2/{endpoint}/{id}`); `template_for(doc, "/v2/retake/abc")` finds the template of a concrete
path.
"""

from __future__ import annotations

import copy
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


#: CONTRACT-2026-09 §2.
LTX_2_5 = ("ltx-2-5-fast", "ltx-2-5-pro")
STANDARD_SIZES = (
    "1280x720",
    "720x1280",
    "1920x1080",
    "1080x1920",
    "2560x1440",
    "1440x2560",
    "3840x2160",
    "2160x3840",
)


def amend_to_contract(doc: dict[str, Any]) -> dict[str, Any]:
    """The July export with the request changes of `../shared/ltx-api/CONTRACT-2026-09.md`
    applied, written out by hand from that document (never derived from `core/catalog.py`,
    which is what the contract tests hold to it). Where the contract and the export disagree,
    the contract wins; each edit names its section.
    """
    out = copy.deepcopy(doc)
    schemas = out["components"]["schemas"]
    # §2: the LTX-2.5 models on text/image/audio-to-video (not yet in the export's enums) …
    for name in ("TextToVideoRequestModel", "ImageToVideoRequestModel", "AudioToVideoRequestModel"):
        schemas[name]["enum"] = [*schemas[name]["enum"], *LTX_2_5]
    # … whose T2V/I2V `duration` may be null (automatic; the key stays required).
    for name in ("TextToVideoRequest", "ImageToVideoRequest"):
        schemas[name]["properties"]["duration"]["type"] = ["integer", "null"]
    # §3: A2V audio caps are given per tier at 720p, 1080p, 1440p and 4K: every standard size.
    schemas["AudioToVideoRequestResolution"]["enum"] = list(STANDARD_SIZES)
    a2v = schemas["AudioToVideoRequest"]["properties"]
    # §3, 2026-08-19: A2V gained fps (default 24), last_frame_uri and camera_motion, and lost
    # guidance_scale.
    a2v["fps"] = {"type": "integer", "default": 24}
    a2v["last_frame_uri"] = {"type": "string"}
    a2v["camera_motion"] = {"$ref": "#/components/schemas/TextToVideoRequestCameraMotion"}
    del a2v["guidance_scale"]
    # §3, 2026-09-23: reframe needs no model (one sent is ignored).
    reframe = schemas["VideoToVideoReframeRequest"]
    reframe["required"] = [r for r in reframe["required"] if r != "model"]
    # §3: extend's context is bounded 1 ≤ context ≤ 20 s.
    schemas["ExtendVideoRequest"]["properties"]["context"].update(minimum=1, maximum=20)
    # §3: every schema with a prompt has maxLength 5000.
    for schema in schemas.values():
        prompt = schema.get("properties", {}).get("prompt") if isinstance(schema, dict) else None
        if isinstance(prompt, dict):
            prompt["maxLength"] = 5000
    return out
