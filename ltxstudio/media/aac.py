"""AAC AudioSpecificConfig parsing (ISO/IEC 14496-3 §1.6.2.1): which AAC profile a stream is.

FFmpeg's decoder reports HE-AAC only once it meets SBR data in the payload; a file that signals
SBR in its AudioSpecificConfig (explicit signalling, object type 5 or 29, or the backward
compatible 0x2b7 sync extension) is HE-AAC whatever the first packets hold, and the LTX API
rejects it. So the profile is read from the config too.
"""

from __future__ import annotations

_PROFILE_BY_OBJECT_TYPE = {1: "Main", 2: "LC", 3: "SSR", 4: "LTP", 5: "HE-AAC", 29: "HE-AACv2"}
_SBR = 5
_PS = 29


class _Bits:
    def __init__(self, data: bytes) -> None:
        self._value = int.from_bytes(data, "big")
        self._left = len(data) * 8

    @property
    def left(self) -> int:
        return self._left

    def read(self, n: int) -> int:
        if n > self._left:
            raise ValueError("AudioSpecificConfig ends early")
        self._left -= n
        return (self._value >> self._left) & ((1 << n) - 1)


def _object_type(bits: _Bits) -> int:
    aot = bits.read(5)
    return 32 + bits.read(6) if aot == 31 else aot


def _frequency(bits: _Bits) -> None:
    if bits.read(4) == 15:
        bits.read(24)


def profile_from_asc(asc: bytes) -> str | None:
    """The profile an AudioSpecificConfig signals: "LC", "HE-AAC", "HE-AACv2", … or None when
    `asc` is empty or malformed."""
    if not asc:
        return None
    try:
        bits = _Bits(asc)
        aot = _object_type(bits)
        _frequency(bits)
        channel_config = bits.read(4)
        if aot in (_SBR, _PS):
            _frequency(bits)  # extension (output) sampling frequency
            core = _object_type(bits)
            if core == 22:  # ER BSAC carries one more field; not an HE-AAC core in practice
                bits.read(4)
            return _PROFILE_BY_OBJECT_TYPE[aot]
        if aot in (1, 2, 3, 4) and channel_config != 0 and bits.left >= 3:
            # GASpecificConfig: frameLengthFlag, dependsOnCoreCoder(0), extensionFlag(0)
            bits.read(1)
            if bits.read(1):
                bits.read(14)
            bits.read(1)
            # Backward-compatible signalling: an LC core with SBR announced after it.
            if (
                bits.left >= 16
                and bits.read(11) == 0x2B7
                and _object_type(bits) == _SBR
                and bits.left >= 1
                and bits.read(1)
            ):
                return "HE-AAC"
        return _PROFILE_BY_OBJECT_TYPE.get(aot, f"AAC object type {aot}")
    except ValueError:
        return None
