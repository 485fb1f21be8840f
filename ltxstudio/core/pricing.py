"""What a request costs, from the price tables of the contract (CONTRACT-2026-09 §6, the pricing
page as of 2026-10-07), in exact decimal dollars.

The client estimates before queueing, the job engine keeps a ledger of estimates, and the sandbox
charges its simulated balance from the same function, so "estimated" and "charged" agree by
construction in the sandbox; against the live API they may differ and both are shown.

Billing bases differ per endpoint: output seconds for text/image-to-video, input audio seconds
for audio-to-video (at a rate per model × output tier), input video seconds for retake,
extension + context for extend (capped at 505 billed frames), input seconds times the input's
tier for HDR, input seconds times the output size for reframe.

Not every rate is published: audio-to-video has three published points, and the other tiers are
estimated with the model's text-to-video rate for that tier (contract §6). `quote()` says which
kind a price is, so the UI can mark an estimate built on an unpublished rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Final

from ltxstudio.core.catalog import (
    A2V_DEFAULT_RESOLUTION,
    DEFAULT_MODEL,
    EXTEND_MAX_FRAMES,
    HDR_FRAME_CAPS,
    Endpoint,
    Model,
    Resolution,
    Tier,
    a2v_max_seconds,
)

_D = Decimal

#: USD per output second for text/image-to-video (LTX-2.3 after the 2026-04-01 increase).
GENERATION_PRICE: Final[dict[Model, dict[Tier, Decimal]]] = {
    Model.LTX_2_3_FAST: {
        Tier.P720: _D("0.03"),
        Tier.P1080: _D("0.06"),
        Tier.P1440: _D("0.12"),
        Tier.P2160: _D("0.24"),
    },
    Model.LTX_2_3_PRO: {
        Tier.P720: _D("0.04"),
        Tier.P1080: _D("0.08"),
        Tier.P1440: _D("0.16"),
        Tier.P2160: _D("0.32"),
    },
    Model.LTX_2_5_FAST: {
        Tier.P720: _D("0.09"),
        Tier.P1080: _D("0.13"),
        Tier.P1440: _D("0.19"),
        Tier.P2160: _D("0.30"),
    },
    Model.LTX_2_5_PRO: {
        Tier.P720: _D("0.12"),
        Tier.P1080: _D("0.17"),
        Tier.P1440: _D("0.25"),
        Tier.P2160: _D("0.39"),
    },
}

#: USD per second of input audio, per model × output tier, where published (contract §6): 2.5 Fast
#: 720p and 1080p (the t2v rates), 2.3 Pro 1080p. Other tiers: `A2V_UNPUBLISHED_RATE`.
A2V_PUBLISHED_PRICE: Final[dict[Model, dict[Tier, Decimal]]] = {
    Model.LTX_2_3_PRO: {Tier.P1080: _D("0.10")},
    Model.LTX_2_5_FAST: {Tier.P720: _D("0.09"), Tier.P1080: _D("0.13")},
    Model.LTX_2_5_PRO: {},
}
RETAKE_PRICE: Final = _D("0.10")  # per second of input video
EXTEND_PRICE: Final = _D("0.10")  # per second of extension + context
#: Per input second, by the tier the input snaps to (same tiers as the HDR frame caps).
HDR_PRICE: Final = (_D("0.20"), _D("0.40"), _D("0.80"))
#: Per input second, by output size class: 720-class outputs and 1080-class outputs.
REFRAME_PRICE: Final = {720: _D("0.10"), 1080: _D("0.20")}

#: The sandbox's unit in 402 messages ("Required: N credits"): one credit is one US cent. The live
#: API's unit is undocumented (docs say credits, a first-party fixture says cents), so clients show
#: the server's message as sent and never convert.
CREDITS_PER_USD: Final = 100

_CENT_FRACTION: Final = _D("0.0001")


class RateSource(StrEnum):
    """Where a rate comes from: the pricing page, or our estimate of an unpublished tier."""

    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"


@dataclass(frozen=True)
class Quote:
    """A price and whether every rate in it is published."""

    usd: Decimal
    source: RateSource = RateSource.PUBLISHED

    @property
    def published(self) -> bool:
        return self.source is RateSource.PUBLISHED


@dataclass(frozen=True)
class CostBasis:
    """The facts a price depends on; which ones matter depends on `endpoint`.

    `seconds` is output seconds for text/image-to-video and input seconds for everything else
    (audio for audio-to-video, video for retake, HDR and reframe); for extend it is the
    extension. `input_fps` converts extend's seconds to billed frames; `input_size` picks the HDR
    tier; `resolution` is the output size (audio-to-video without one renders 1080p).
    """

    endpoint: Endpoint
    seconds: float
    model: Model | None = None
    resolution: Resolution | None = None
    context_seconds: float = 0.0
    input_fps: float | None = None
    input_size: Resolution | None = None


class UnpricedError(ValueError):
    """The combination has no published price (it is also not a valid request)."""


def estimate_usd(basis: CostBasis) -> Decimal:
    """Estimated charge in dollars, rounded to 1/100 of a cent."""
    return quote(basis).usd


def quote(basis: CostBasis) -> Quote:
    """The price of one request and whether its rate is published; the one price function.

    Everything that shows, checks against a budget or records a price calls this (through the
    request's `cost_basis`), and the sandbox charges its simulated balance with it too.
    """
    seconds = _dec(basis.seconds)
    source = RateSource.PUBLISHED
    match basis.endpoint:
        case Endpoint.TEXT_TO_VIDEO | Endpoint.IMAGE_TO_VIDEO:
            rate = _generation_rate(basis)
        case Endpoint.AUDIO_TO_VIDEO:
            rate, source = _a2v_rate(basis)
        case Endpoint.RETAKE:
            rate = RETAKE_PRICE
        case Endpoint.EXTEND:
            seconds = _extend_billed_seconds(basis)
            rate = EXTEND_PRICE
        case Endpoint.HDR:
            rate = _hdr_rate(basis.input_size)
        case Endpoint.REFRAME:
            rate = _reframe_rate(basis.resolution)
    return Quote((rate * seconds).quantize(_CENT_FRACTION, rounding=ROUND_HALF_UP), source)


def usd_to_credits(usd: Decimal) -> int:
    """Whole credits needed to cover `usd`, rounding up (a balance must cover the estimate)."""
    return int((usd * CREDITS_PER_USD).to_integral_value(rounding="ROUND_CEILING"))


def format_usd(usd: Decimal) -> str:
    """`$0.64`; sub-cent amounts keep their digits (`$0.0125`) so small retakes do not read 0."""
    cents = usd.quantize(_D("0.01"), rounding=ROUND_HALF_UP)
    if cents == usd or usd == 0:
        return f"${cents:,.2f}"
    return f"${usd.normalize():,f}"


def _dec(value: float) -> Decimal:
    # str() first: Decimal(0.1) would carry the binary float's error into a money figure.
    return _D(str(round(value, 6)))


def _generation_rate(basis: CostBasis) -> Decimal:
    if basis.model is None or basis.resolution is None or basis.resolution.tier is None:
        raise UnpricedError("text/image-to-video needs a model and a standard resolution")
    rates = GENERATION_PRICE[basis.model]
    tier = basis.resolution.tier
    if tier not in rates:
        raise UnpricedError(f"no price for {basis.model.value} at {tier.value}")
    return rates[tier]


def _a2v_rate(basis: CostBasis) -> tuple[Decimal, RateSource]:
    model = basis.model or DEFAULT_MODEL[Endpoint.AUDIO_TO_VIDEO]
    resolution = basis.resolution or A2V_DEFAULT_RESOLUTION
    if model not in A2V_PUBLISHED_PRICE or a2v_max_seconds(model, resolution) is None:
        raise UnpricedError(f"no audio-to-video price for {model.value} at {resolution}")
    tier = resolution.tier
    assert tier is not None  # a2v_max_seconds is None for off-tier sizes
    published = A2V_PUBLISHED_PRICE[model].get(tier)
    if published is not None:
        return published, RateSource.PUBLISHED
    # Unpublished tier: the model's text-to-video rate for it, as the contract prescribes.
    return GENERATION_PRICE[model][tier], RateSource.UNPUBLISHED


def _extend_billed_seconds(basis: CostBasis) -> Decimal:
    billed = _dec(basis.seconds + basis.context_seconds)
    if basis.input_fps:
        cap = _D(EXTEND_MAX_FRAMES) / _dec(basis.input_fps)
        billed = min(billed, cap)
    return billed


def _hdr_rate(size: Resolution | None) -> Decimal:
    if size is None:
        raise UnpricedError("HDR pricing needs the input size")
    for (limit, _cap), rate in zip(HDR_FRAME_CAPS, HDR_PRICE, strict=True):
        if size.pixels <= limit:
            return rate
    raise UnpricedError(f"HDR takes inputs up to 3840x2160, not {size}")


def _reframe_rate(resolution: Resolution | None) -> Decimal:
    if resolution is None:
        raise UnpricedError("reframe pricing needs the output resolution")
    size_class = 720 if min(resolution.width, resolution.height) <= 720 else 1080
    return REFRAME_PRICE[size_class]
