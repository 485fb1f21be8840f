"""Failures in words a user can act on, for tooltips, banners and announcements.

The client records what the transport said (`ConnectError ([Errno -3] Temporary failure in name
resolution)`) because that is what a bug report needs; a tooltip must not show it. Qt-free: the
engine may take these sentences over (see the report's wishes) and drop the parsing here.
"""

from __future__ import annotations

from ltxstudio.core.remote import FailureInfo, FailureKind

#: What a transport error's text says, as a sentence (first match wins; matched lower-case).
_TRANSPORT: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("name resolution", "name or service not known", "nodename nor servname", "getaddrinfo"),
        "the LTX server's name could not be looked up: there is no network, or no DNS",
    ),
    (("network is unreachable", "no route to host"), "there is no network route to LTX"),
    (
        ("connection refused", "all connection attempts failed"),
        "no connection to the server could be made (it refused, or there is no network)",
    ),
    (("connection reset", "broken pipe", "remote end closed"), "the connection was cut"),
    (("certificate", "ssl", "tls"), "a secure connection to LTX could not be set up"),
    (("timed out", "timeout"), "LTX did not answer in time"),
)

#: Class names of transport errors that must never reach the screen as they are.
RAW_MARKERS = ("ConnectError", "ConnectTimeout", "ReadTimeout", "RemoteProtocolError", "Errno")


def transport_sentence(message: str) -> str:
    """A transport failure's text as a sentence ("the LTX server's name could not be …")."""
    lowered = message.lower()
    for needles, sentence in _TRANSPORT:
        if any(needle in lowered for needle in needles):
            return sentence
    return "LTX could not be reached"


def plain_reason(info: FailureInfo) -> str:
    """One sentence for a job's failure; transport details stay in the log and "Copy details"."""
    match info.kind:
        case FailureKind.CONNECTION | FailureKind.TIMEOUT:
            return transport_sentence(info.message)
        case (
            FailureKind.AUTHENTICATION
            | FailureKind.PERMISSION
            | FailureKind.INSUFFICIENT_FUNDS
            | FailureKind.PAYMENT_DECLINED
            | FailureKind.INVALID_REQUEST
            | FailureKind.REQUEST_TOO_LARGE
            | FailureKind.CONTENT_FILTERED
            | FailureKind.NOT_FOUND
            | FailureKind.RATE_LIMITED
            | FailureKind.CONCURRENCY_LIMITED
            | FailureKind.SERVER
            | FailureKind.OUTCOME_UNKNOWN
            | FailureKind.PROTOCOL
            | FailureKind.STORAGE_REFUSED
        ):
            # The API's own words (its `message`), which the contract says are for people.
            return scrub(info.message)


def scrub(text: str) -> str:
    """`text` with any raw transport error replaced by its sentence."""
    if any(marker in text for marker in RAW_MARKERS):
        return transport_sentence(text)
    return text
