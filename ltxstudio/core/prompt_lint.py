"""Prompt checks from the LTX prompting guide, before anything is paid for.

The guide: one flowing paragraph of 4–8 detailed sentences describing the action in order, the
camera's movement, and what we hear; at most 5 000 characters. Each check yields a `Lint` with a
one-line suggestion; `ok` items are the ticks the prompt panel shows ("✓ camera").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

from ltxstudio.core.catalog import PROMPT_MAX_CHARS


class Level(IntEnum):
    OK = 0
    INFO = 1
    WARN = 2
    ERROR = 3  # blocks Generate


@dataclass(frozen=True)
class Lint:
    level: Level
    code: str
    message: str


_SENTENCE = re.compile(r"[^.!?…]+[.!?…]+|[^.!?…]+$")
_WORD = re.compile(r"\w+", re.UNICODE)
_CAMERA = re.compile(
    r"\b(camera|dolly|dollies|pans?|panning|tilts?|tracking|tracks|zooms?|crane|jib|handheld|"
    r"close-?up|wide shot|aerial|orbits?|push(es)? in|pulls? back|static shot|lens|pov|"
    r"over-the-shoulder|frame|framing)\b",
    re.IGNORECASE,
)
_AUDIO = re.compile(
    r"\b(sounds?|hear|heard|music|voices?|says|said|speaks?|whispers?|shouts?|sings?|ambient|"
    r"silence|silent|noise|rain|thunder|footsteps|dialogue|hums?|roars?|echo(es)?|crackl\w*|"
    r"birdsong|chirp\w*|wind|waves|soundtrack|score|audio)\b",
    re.IGNORECASE,
)
_SEQUENCE = re.compile(
    r"\b(then|as|while|begins?|starts?|after|before|finally|slowly|suddenly|until|next|"
    r"gradually|moments? later|turns?|walks?|runs?|moves?|rises?|falls?)\b",
    re.IGNORECASE,
)
_NEGATIVE = re.compile(r"\b(no|not|don't|do not|without|never|avoid)\b", re.IGNORECASE)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if _WORD.search(s)]


def lint(text: str, *, camera_motion: str | None = None, audio: bool = True) -> list[Lint]:
    stripped = text.strip()
    if not stripped:
        return [Lint(Level.ERROR, "empty", "write a prompt: what happens, in 4–8 sentences")]
    out: list[Lint] = []
    if len(text) > PROMPT_MAX_CHARS:
        over = len(text) - PROMPT_MAX_CHARS
        out.append(
            Lint(
                Level.ERROR,
                "too-long",
                f"{len(text):,} characters; the API takes {PROMPT_MAX_CHARS:,} — cut {over:,}",
            )
        )
    words = len(_WORD.findall(stripped))
    count = len(sentences(stripped))
    if words < 15:
        out.append(
            Lint(Level.WARN, "too-short", f"only {words} words; describe the scene in detail")
        )
    elif count < 4:
        out.append(Lint(Level.WARN, "few-sentences", f"{count} sentences; LTX works best with 4–8"))
    elif count > 8:
        out.append(Lint(Level.INFO, "many-sentences", f"{count} sentences; 4–8 is the sweet spot"))
    else:
        out.append(Lint(Level.OK, "length", f"{count} sentences"))
    if camera_motion or _CAMERA.search(stripped):
        out.append(Lint(Level.OK, "camera", "camera"))
    else:
        out.append(
            Lint(
                Level.WARN,
                "no-camera",
                "say how the camera moves, e.g. “the camera slowly dollies in”",
            )
        )
    if audio:
        if _AUDIO.search(stripped):
            out.append(Lint(Level.OK, "audio", "audio"))
        else:
            out.append(
                Lint(Level.WARN, "no-audio", "describe what we hear: ambience, music, voices")
            )
    if len(_SEQUENCE.findall(stripped)) >= 2:
        out.append(Lint(Level.OK, "action", "action in order"))
    else:
        out.append(
            Lint(Level.INFO, "no-sequence", "describe the action in order: first…, then…, as…")
        )
    if _NEGATIVE.search(stripped):
        out.append(
            Lint(
                Level.INFO,
                "negative",
                "LTX has no negative prompt: describe what you want, not what to avoid",
            )
        )
    return out


def blocking(items: list[Lint]) -> list[Lint]:
    return [i for i in items if i.level is Level.ERROR]
