from __future__ import annotations

from decimal import Decimal

import pytest

from ltxstudio.core.catalog import Endpoint, Model, Resolution
from ltxstudio.core.pricing import (
    CostBasis,
    RateSource,
    UnpricedError,
    estimate_usd,
    format_usd,
    quote,
    usd_to_credits,
)

R = Resolution.parse


@pytest.mark.parametrize(
    ("basis", "usd"),
    [
        (CostBasis(Endpoint.TEXT_TO_VIDEO, 8, Model.LTX_2_3_PRO, R("1920x1080")), "0.64"),
        (CostBasis(Endpoint.IMAGE_TO_VIDEO, 20, Model.LTX_2_3_FAST, R("1080x1920")), "1.20"),
        (CostBasis(Endpoint.TEXT_TO_VIDEO, 10, Model.LTX_2_3_PRO, R("3840x2160")), "3.20"),
        (CostBasis(Endpoint.TEXT_TO_VIDEO, 6, Model.LTX_2_5_FAST, R("1280x720")), "0.54"),
        (CostBasis(Endpoint.TEXT_TO_VIDEO, 5, Model.LTX_2_5_PRO, R("1920x1080")), "0.85"),
        # CONTRACT-2026-09 §6: 2.5 Pro 1440p and 4K
        (CostBasis(Endpoint.TEXT_TO_VIDEO, 8, Model.LTX_2_5_PRO, R("3840x2160")), "3.12"),
        (CostBasis(Endpoint.IMAGE_TO_VIDEO, 6, Model.LTX_2_5_PRO, R("1440x2560")), "1.50"),
        # A2V per model × output tier; no size = 1080p; the default model is 2.3 Pro
        (CostBasis(Endpoint.AUDIO_TO_VIDEO, 7.5), "0.75"),
        (CostBasis(Endpoint.AUDIO_TO_VIDEO, 10, Model.LTX_2_5_FAST), "1.30"),
        (CostBasis(Endpoint.AUDIO_TO_VIDEO, 10, Model.LTX_2_5_FAST, R("1280x720")), "0.90"),
        # retake bills the whole input video, not the window
        (CostBasis(Endpoint.RETAKE, 8.0), "0.80"),
        # extend bills extension + context ...
        (CostBasis(Endpoint.EXTEND, 4, context_seconds=6, input_fps=24), "1.00"),
        # ... capped at 505 frames: 505/24 s at $0.10
        (CostBasis(Endpoint.EXTEND, 20, context_seconds=20, input_fps=24), "2.1042"),
        (CostBasis(Endpoint.HDR, 5, input_size=R("1920x1080")), "1.00"),
        (CostBasis(Endpoint.HDR, 2, input_size=R("2560x1440")), "0.80"),
        (CostBasis(Endpoint.HDR, 1, input_size=R("3840x2160")), "0.80"),
        (CostBasis(Endpoint.REFRAME, 10, resolution=R("720x900")), "1.00"),
        (CostBasis(Endpoint.REFRAME, 10, resolution=R("1080x1350")), "2.00"),
        (CostBasis(Endpoint.TEXT_TO_VIDEO, 0.1, Model.LTX_2_3_FAST, R("1920x1080")), "0.006"),
    ],
)
def test_estimates(basis: CostBasis, usd: str) -> None:
    assert estimate_usd(basis) == Decimal(usd)


@pytest.mark.parametrize(
    "basis",
    [
        CostBasis(Endpoint.TEXT_TO_VIDEO, 5, Model.LTX_2_3_PRO, R("1000x1000")),
        CostBasis(Endpoint.AUDIO_TO_VIDEO, 5, Model.LTX_2_5_PRO, R("1000x1000")),
        CostBasis(Endpoint.TEXT_TO_VIDEO, 5),
        CostBasis(Endpoint.AUDIO_TO_VIDEO, 5, Model.LTX_2_3_FAST),
        CostBasis(Endpoint.HDR, 5),
        CostBasis(Endpoint.HDR, 5, input_size=R("7680x4320")),
        CostBasis(Endpoint.REFRAME, 5),
    ],
)
def test_unpriced_combinations_raise(basis: CostBasis) -> None:
    with pytest.raises(UnpricedError):
        estimate_usd(basis)


@pytest.mark.parametrize(
    ("model", "size", "usd", "source"),
    [
        (Model.LTX_2_3_PRO, "1920x1080", "1.00", RateSource.PUBLISHED),
        (Model.LTX_2_3_PRO, "1280x720", "0.40", RateSource.UNPUBLISHED),  # its t2v 720p rate
        (Model.LTX_2_3_PRO, "3840x2160", "3.20", RateSource.UNPUBLISHED),
        (Model.LTX_2_5_FAST, "720x1280", "0.90", RateSource.PUBLISHED),
        (Model.LTX_2_5_FAST, "2560x1440", "1.90", RateSource.UNPUBLISHED),
        (Model.LTX_2_5_PRO, "1920x1080", "1.70", RateSource.UNPUBLISHED),
        (Model.LTX_2_5_PRO, "3840x2160", "3.90", RateSource.UNPUBLISHED),
    ],
)
def test_audio_to_video_is_priced_per_tier_and_says_when_a_rate_is_unpublished(
    model: Model, size: str, usd: str, source: RateSource
) -> None:
    priced = quote(CostBasis(Endpoint.AUDIO_TO_VIDEO, 10, model, R(size)))
    assert (priced.usd, priced.source) == (Decimal(usd), source)
    assert priced.published is (source is RateSource.PUBLISHED)


def test_credits_round_up_and_format() -> None:
    assert usd_to_credits(Decimal("0.64")) == 64
    assert usd_to_credits(Decimal("2.1042")) == 211
    assert format_usd(Decimal("0.64")) == "$0.64"
    assert format_usd(Decimal("0")) == "$0.00"
    assert format_usd(Decimal("2.1042")) == "$2.1042"
    assert format_usd(Decimal("1234.5")) == "$1,234.50"
