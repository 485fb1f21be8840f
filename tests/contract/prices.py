"""§6 of CONTRACT-2026-09 written out by hand: the rates, and concrete requests with their
price multiplied out in exact decimal dollars (e.g. 8 s of 2.5 Pro at 4K = $3.12).

Not read from `ltxstudio/core/pricing.py`; see `expected.py` for the readings (R1–R10) used.
`test_contract_table.py` re-derives each concrete price from the rate tables (a typo in either
fails there) before holding the estimate and the sandbox's ledger to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from tests.contract.expected import FAST_23, FAST_25, I2V, PRO_23, PRO_25, T2V

D = Decimal


# --------------------------------------------------------------- §6 prices (USD per second)

#: §6 first table, t2v/i2v, per output second.
T2V_RATE: Final[dict[str, dict[str, Decimal]]] = {
    FAST_23: {"720p": D("0.03"), "1080p": D("0.06"), "1440p": D("0.12"), "4K": D("0.24")},
    PRO_23: {"720p": D("0.04"), "1080p": D("0.08"), "1440p": D("0.16"), "4K": D("0.32")},
    FAST_25: {"720p": D("0.09"), "1080p": D("0.13"), "1440p": D("0.19"), "4K": D("0.30")},
    PRO_25: {"720p": D("0.12"), "1080p": D("0.17"), "1440p": D("0.25"), "4K": D("0.39")},
}
#: §6 A2V "known points" (per second of input audio); every other model × tier is "estimated
#: with the model's t2v rate for that tier and marked as such".
A2V_PUBLISHED_RATE: Final[dict[tuple[str, str], Decimal]] = {
    (FAST_25, "720p"): D("0.09"),
    (FAST_25, "1080p"): D("0.13"),
    (PRO_23, "1080p"): D("0.10"),
}
#: §6 "Unchanged" (bases from API-NOTES §8).
RETAKE_RATE: Final = D("0.10")  # per second of input video
EXTEND_RATE: Final = D("0.10")  # per second of extension + context, ≤ 505 frames billed
REFRAME_RATE: Final = {"720": D("0.10"), "1080": D("0.20")}  # per input second, by output size
#: §6 "HDR 0.20 / 0.40 / 0.80 per input second by input tier" (tiers: `expected.HDR_TIERS`).
HDR_RATE: Final = (D("0.20"), D("0.40"), D("0.80"))


def a2v_rate(model: str, tier: str) -> tuple[Decimal, bool]:
    """(rate, published?) for A2V, §6."""
    published = A2V_PUBLISHED_RATE.get((model, tier))
    if published is not None:
        return published, True
    return T2V_RATE[model][tier], False


# --------------------------------------------------------------- concrete priced requests


@dataclass(frozen=True)
class GenPrice:
    """T2V/I2V: output seconds × the model's rate for the output tier (§6)."""

    endpoint: str
    model: str
    size: str
    fps: int
    duration: int
    usd: Decimal
    ledger: bool = True


GEN_PRICES: Final = (
    # §6, every model × tier, 8 s at 24 fps (landscape)
    GenPrice(T2V, FAST_23, "1280x720", 24, 8, D("0.24")),
    GenPrice(T2V, FAST_23, "1920x1080", 24, 8, D("0.48")),
    GenPrice(T2V, FAST_23, "2560x1440", 24, 8, D("0.96")),
    GenPrice(T2V, FAST_23, "3840x2160", 24, 8, D("1.92")),
    GenPrice(T2V, PRO_23, "1280x720", 24, 8, D("0.32")),
    GenPrice(T2V, PRO_23, "1920x1080", 24, 8, D("0.64")),
    GenPrice(T2V, PRO_23, "2560x1440", 24, 8, D("1.28")),
    GenPrice(T2V, PRO_23, "3840x2160", 24, 8, D("2.56")),
    GenPrice(T2V, FAST_25, "1280x720", 24, 8, D("0.72")),
    GenPrice(T2V, FAST_25, "1920x1080", 24, 8, D("1.04")),
    GenPrice(T2V, FAST_25, "2560x1440", 24, 8, D("1.52")),
    GenPrice(T2V, FAST_25, "3840x2160", 24, 8, D("2.40")),
    GenPrice(T2V, PRO_25, "1280x720", 24, 8, D("0.96")),
    GenPrice(T2V, PRO_25, "1920x1080", 24, 8, D("1.36")),
    GenPrice(T2V, PRO_25, "2560x1440", 24, 8, D("2.00")),
    GenPrice(T2V, PRO_25, "3840x2160", 24, 8, D("3.12")),
    # portrait, other rates and lengths, image-to-video
    GenPrice(I2V, FAST_25, "1080x1920", 24, 20, D("2.60")),
    GenPrice(T2V, FAST_23, "720x1280", 48, 2, D("0.06")),
    GenPrice(T2V, PRO_25, "2160x3840", 50, 10, D("3.90")),
    GenPrice(I2V, PRO_23, "1440x2560", 25, 6, D("0.96")),
    GenPrice(T2V, PRO_25, "2560x1440", 48, 5, D("1.25"), ledger=False),
    GenPrice(T2V, FAST_25, "1920x1080", 25, 16, D("2.08"), ledger=False),
    GenPrice(I2V, FAST_23, "3840x2160", 50, 3, D("0.72"), ledger=False),
)


@dataclass(frozen=True)
class A2vPrice:
    """A2V: input audio seconds × the model's rate for the output tier (§6)."""

    name: str
    model: str | None  # None: not sent (2.3 Pro, §2)
    size: str | None  # None: not sent (§3 default)
    audio_seconds: int
    usd: Decimal
    published: bool
    fps: int | None = None  # None: not sent (24, §3)
    portrait_image: bool | None = None  # an image is sent, in this orientation
    ledger: bool = True


A2V_PRICES: Final = (
    # §6 every A2V model × tier, 4 s of audio; published = one of the three known points
    A2vPrice("2.5 Fast 720p", FAST_25, "1280x720", 4, D("0.36"), True),
    A2vPrice("2.5 Fast 1080p", FAST_25, "1920x1080", 4, D("0.52"), True, fps=25),
    A2vPrice("2.5 Fast 1440p", FAST_25, "2560x1440", 4, D("0.76"), False, fps=48),
    A2vPrice("2.5 Fast 4K", FAST_25, "3840x2160", 4, D("1.20"), False, fps=50),
    A2vPrice("2.5 Pro 720p", PRO_25, "1280x720", 4, D("0.48"), False, fps=24),
    A2vPrice("2.5 Pro 1080p", PRO_25, "1920x1080", 4, D("0.68"), False),
    A2vPrice("2.5 Pro 1440p", PRO_25, "2560x1440", 4, D("1.00"), False, fps=25),
    A2vPrice("2.5 Pro 4K", PRO_25, "3840x2160", 4, D("1.56"), False, fps=48),
    A2vPrice("2.3 Pro 720p", PRO_23, "1280x720", 4, D("0.16"), False, fps=50),
    A2vPrice("2.3 Pro 1080p", PRO_23, "1920x1080", 4, D("0.40"), True),
    A2vPrice("2.3 Pro 1440p", PRO_23, "2560x1440", 4, D("0.64"), False, fps=24),
    A2vPrice("2.3 Pro 4K", PRO_23, "3840x2160", 4, D("1.28"), False, fps=25),
    # defaults: no model (2.3 Pro), no size (1080p; portrait image → 1080x1920, still 1080p)
    A2vPrice("default model and size", None, None, 4, D("0.40"), True),
    A2vPrice("portrait image, no size", PRO_23, None, 4, D("0.40"), True, portrait_image=True),
    # lengths up to the caps
    A2vPrice("2.3 Pro 1080p 12 s", PRO_23, "1920x1080", 12, D("1.20"), True),
    A2vPrice("2.5 Fast 720x1280 20 s", FAST_25, "720x1280", 20, D("1.80"), True),
    A2vPrice("2.5 Pro 1080x1920 10 s", PRO_25, "1080x1920", 10, D("1.70"), False),
    A2vPrice("2.3 Pro 4K 10 s", PRO_23, "2160x3840", 10, D("3.20"), False, ledger=False),
    A2vPrice("2.5 Fast 1440p 2 s", FAST_25, "1440x2560", 2, D("0.38"), False, ledger=False),
)


@dataclass(frozen=True)
class RetakePrice:
    """Retake: input video seconds × 0.10 (§6 "unchanged")."""

    input_seconds: int
    usd: Decimal
    ledger: bool = True


RETAKE_PRICES: Final = (
    RetakePrice(4, D("0.40")),
    RetakePrice(10, D("1.00"), ledger=False),
    RetakePrice(20, D("2.00"), ledger=False),
)


@dataclass(frozen=True)
class ExtendPrice:
    """Extend: (extension + context) × 0.10, at most 505 frames at the input fps (§3, §6)."""

    name: str
    input_seconds: int
    input_fps: int
    duration: int
    context: int | None  # None: not sent ("max that fits", READING R5)
    usd: Decimal
    exact: bool = True  # False: 505 / fps does not terminate; compared to the cent (READING R6)
    ledger: bool = True


EXTEND_PRICES: Final = (
    ExtendPrice("5 s + 2 s context", 4, 24, 5, 2, D("0.70")),
    ExtendPrice("2 s + 1 s context", 4, 24, 2, 1, D("0.30"), ledger=False),
    ExtendPrice("18 s + 3 s context = 504 frames", 20, 24, 18, 3, D("2.10")),
    # 505-frame cap: no context sent, the context fills the budget (R5)
    ExtendPrice("19 s, default context, 25 fps: 505 frames = 20.2 s", 3, 25, 19, None, D("2.02")),
    ExtendPrice(
        "2 s, default context, 24 fps: 505 frames = 21.041 666… s",
        20,
        24,
        2,
        None,
        D(505) / D(24) * EXTEND_RATE,
        exact=False,
    ),
    # R5: the default context cannot be longer than the 3 s input
    ExtendPrice("5 s, default context, 3 s input", 3, 25, 5, None, D("0.80")),
)


@dataclass(frozen=True)
class HdrPrice:
    """HDR: input seconds × the input tier's rate (§6, READING R9); inputs at 24 fps."""

    width: int
    height: int
    frames: int  # at 24 fps: 12 frames = 0.5 s
    usd: Decimal
    ledger: bool = True

    @property
    def input_seconds(self) -> Decimal:
        return Decimal(self.frames) / 24


HDR_PRICES: Final = (
    HdrPrice(320, 180, 48, D("0.40")),  # 2 s in the ≤ 1080p tier
    HdrPrice(1920, 1080, 12, D("0.10")),  # exactly the 1080p pixel count: still the low tier
    HdrPrice(1984, 1116, 12, D("0.20")),  # just above it: the 1440p tier
    HdrPrice(2560, 1440, 12, D("0.20")),
    HdrPrice(2592, 1458, 12, D("0.40")),  # just above 1440p: the 4K tier
    HdrPrice(3840, 2160, 12, D("0.40")),
    HdrPrice(1080, 1920, 72, D("0.60"), ledger=False),  # 3 s
    HdrPrice(1440, 2560, 48, D("0.80"), ledger=False),  # 2 s
)


@dataclass(frozen=True)
class ReframePrice:
    """Reframe: input seconds × 0.10 (720-class output) or 0.20 (1080-class), §6."""

    size: str
    input_seconds: int
    usd: Decimal
    model: str | None = None  # sent and ignored (§3, READING R8)
    ledger: bool = False


REFRAME_PRICES: Final = (
    ReframePrice("720x720", 2, D("0.20"), model=PRO_23, ledger=True),
    ReframePrice("720x900", 2, D("0.20")),
    ReframePrice("900x720", 2, D("0.20")),
    ReframePrice("720x1280", 2, D("0.20")),
    ReframePrice("1280x720", 2, D("0.20"), ledger=True),
    ReframePrice("1080x1080", 2, D("0.40")),
    ReframePrice("1080x1350", 2, D("0.40"), ledger=True),
    ReframePrice("1350x1080", 2, D("0.40")),
    ReframePrice("1080x1920", 2, D("0.40")),
    ReframePrice("1920x1080", 2, D("0.40"), model=FAST_25, ledger=True),
)
