"""The official OpenAPI, amended by CONTRACT-2026-09 and the additions API-NOTES documents, and
made strict.

The July export predates the contract (`amend_to_contract` in `tests/support/openapi_contract.py`
applies CONTRACT-2026-09: LTX-2.5 models, automatic duration, A2V's new fields and sizes,
reframe without a model, extend's context bounds) and lacks two fields only API-NOTES documents
(§3.6/§3.7, added here). Each change is written out by hand — never derived from
`core/catalog.py`, which is what is under test — with the section it comes from.

The official request schemas allow any extra property (no `additionalProperties`); a misspelt
field would pass. `widened()` therefore also closes every request schema
(`additionalProperties: false`), so a body may only carry documented fields.
"""

from __future__ import annotations

import copy
from typing import Any

from tests.support.openapi_contract import amend_to_contract

REQUEST_SCHEMAS = (
    "TextToVideoRequest",
    "ImageToVideoRequest",
    "AudioToVideoRequest",
    "EditVideoRequest",
    "ExtendVideoRequest",
    "VideoToVideoHdrRequest",
    "VideoToVideoReframeRequest",
)

#: API-NOTES §3.7: `placement`, documented by Comfy Router only.
REFRAME_ANCHORS = [
    "center",
    "top",
    "bottom",
    "left",
    "right",
    "top_left",
    "top_right",
    "bottom_left",
    "bottom_right",
]


def close_request_schemas(doc: dict[str, Any]) -> dict[str, Any]:
    """A copy of `doc` whose request schemas reject undeclared properties."""
    out = copy.deepcopy(doc)
    for name in REQUEST_SCHEMAS:
        out["components"]["schemas"][name]["additionalProperties"] = False
    return out


def widened(doc: dict[str, Any]) -> dict[str, Any]:
    out = close_request_schemas(amend_to_contract(doc))
    schemas = out["components"]["schemas"]
    fraction = {"type": "number", "minimum": 0, "maximum": 1}
    schemas["VideoToVideoReframeRequest"]["properties"]["placement"] = {
        "oneOf": [
            {
                "type": "object",
                "properties": {"anchor": {"type": "string", "enum": REFRAME_ANCHORS}},
                "required": ["anchor"],
                "additionalProperties": False,
            },
            {
                "type": "object",
                "properties": {"x": fraction, "y": fraction, "width": fraction, "height": fraction},
                "required": ["x", "y"],
                "anyOf": [{"required": ["width"]}, {"required": ["height"]}],
                "additionalProperties": False,
            },
        ]
    }
    return out
