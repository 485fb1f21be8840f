"""URL rules: where the client may talk, where the key may go, and how URLs appear in logs.

- The API base URL must be `https://`; plain `http://` only to a loopback host (the sandbox).
- Pre-signed upload and result URLs are third-party hosts (cloud storage): `https://`, or
  `http://` on loopback; they never receive the `Authorization` header.
- Logs show only scheme, host and path: the query of a signed URL is a credential.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import SplitResult, urlsplit

from ltxstudio.core.catalog import API_BASE_URL, LEGACY_API_BASE_URL


def is_loopback_host(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True  # RFC 6761: *.localhost resolves to loopback
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _split(url: str) -> SplitResult:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {redact_url(url)!r}")
    return parts


def check_transport_url(url: str, *, what: str) -> None:
    """Raise ValueError unless `url` is https, or http to a loopback host."""
    parts = _split(url)
    if parts.scheme == "http" and not is_loopback_host(parts.hostname or ""):
        raise ValueError(
            f"refusing plain http:// for the {what} ({redact_url(url)}): use https:// "
            "(http is allowed only for loopback hosts such as the local sandbox)"
        )


def normalise_base_url(url: str) -> str:
    """The base URL without a trailing slash, query or fragment; raises ValueError if unfit."""
    check_transport_url(url, what="API base URL")
    parts = _split(url)
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError("the API base URL must not carry credentials, a query or a fragment")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def service_identity(url: str) -> str:
    """The normalised base URL as the name of the service a job belongs to: the legacy host is
    the same service as the production one, so a job sent to either is driven through both."""
    normal = normalise_base_url(url)
    return API_BASE_URL if normal == LEGACY_API_BASE_URL else normal


def origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) — the unit the Authorization header is bound to."""
    parts = _split(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme, (parts.hostname or "").lower(), port


def redact_url(url: str) -> str:
    """scheme://host/path, without userinfo, query or fragment (signatures live there)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    if parts.scheme == "data":
        return redact_data_uri(url)
    if not parts.netloc:  # not a URL at all: show its start, never a query
        return url.split("?", 1)[0][:60]
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    suffix = "?…" if parts.query else ""
    return f"{parts.scheme}://{host}{port}{parts.path}{suffix}"


def redact_data_uri(uri: str) -> str:
    head, _, data = uri.partition(",")
    return f"{head[:80]},…({len(data)} chars)"
