"""The official OpenAPI, widened only by the additions API-NOTES documents, and made strict.

The project supports values the OpenAPI export does not list yet (API-NOTES preface and §4.3:
LTX-2.5 models, 720p, automatic duration; §3.6/§3.7 later fields). Each widening below is
written out from API-NOTES by hand — never derived from `core/catalog.py`, which is what is
under test — with the section it comes from. Everything else is the official schema.

The official request schemas allow any extra property (no `additionalProperties`); a misspelt
field would pass. `widened()` therefore also closes every request schema
(`additionalProperties: false`), so a body may only carry documented fields.
"""

from __future__ import annotations

import copy
from typing import Any

REQUEST_SCHEMAS = (
    "TextToVideoRequest",
    "ImageToVideoRequest",
    "AudioToVideoRequest",
    "EditVideoRequest",
    "ExtendVideoRequest",
    "VideoToVideoHdrRequest",
    "VideoToVideoReframeRequest",
)

#: API-NOTES preface + §4.3: LTX-2.5 launched 2026-08-11, not yet in the OpenAPI enums.
LTX_2_5 = ["ltx-2-5-fast", "ltx-2-5-pro"]
#: API-NOTES §4.3 (A2V envelope of LTX Desktop) and §12.8: A2V at 720p–4K, both orientations.
A2V_EXTRA_RESOLUTIONS = [
    "1280x720",
    "720x1280",
    "2560x1440",
    "1440x2560",
    "3840x2160",
    "2160x3840",
]
#: API-NOTES §3.6: `output_colorspace`, documented by Comfy Router only.
HDR_COLORSPACES = ["acescg", "acescct", "srgb_linear", "aces2065-1"]
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
    out = close_request_schemas(doc)
    schemas = out["components"]["schemas"]
    for name in ("TextToVideoRequestModel", "ImageToVideoRequestModel"):
        schemas[name]["enum"] += LTX_2_5
    schemas["AudioToVideoRequestModel"]["enum"] += LTX_2_5  # §3.3, §12.8
    schemas["AudioToVideoRequestResolution"]["enum"] += A2V_EXTRA_RESOLUTIONS
    for name in ("TextToVideoRequest", "ImageToVideoRequest"):
        # §3.1 / §12.13: LTX-2.5 takes `duration: null` for an automatic length.
        schemas[name]["properties"]["duration"]["type"] = ["integer", "null"]
    schemas["VideoToVideoHdrRequest"]["properties"]["output_colorspace"] = {
        "type": "string",
        "enum": HDR_COLORSPACES,
    }
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
