"""Where the client may talk, where the key may go, and what reaches the logs."""

from __future__ import annotations

import logging
import re

import pytest

from ltxstudio.api import (
    LtxClient,
)
from ltxstudio.api._logging import Scrubber, install_httpx_url_filter, redact_body
from ltxstudio.api._urls import (
    check_transport_url,
    is_loopback_host,
    normalise_base_url,
    origin,
    redact_url,
)


@pytest.mark.parametrize(
    ("url", "normal"),
    [
        ("https://api.ltx.video", "https://api.ltx.video"),
        ("https://api.ltx.video/", "https://api.ltx.video"),
        ("https://proxy.example.com/ltx/", "https://proxy.example.com/ltx"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
        ("http://localhost:9000/", "http://localhost:9000"),
        ("http://[::1]:9000", "http://[::1]:9000"),
        ("http://sandbox.localhost", "http://sandbox.localhost"),
    ],
)
def test_accepted_base_urls(url: str, normal: str) -> None:
    assert normalise_base_url(url) == normal


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://api.ltx.video", "plain http"),
        ("http://192.168.1.20:8765", "plain http"),
        ("http://127.0.0.1.example.com", "plain http"),
        ("ftp://api.ltx.video", "not an http(s) URL"),
        ("api.ltx.video", "not an http(s) URL"),
        ("https://user:secret@api.ltx.video", "credentials"),
        ("https://api.ltx.video/?key=1", "query"),
    ],
)
def test_refused_base_urls(url: str, words: str) -> None:
    with pytest.raises(ValueError, match=re.escape(words)) as caught:
        normalise_base_url(url)
    assert "secret" not in str(caught.value)
    with pytest.raises(ValueError, match=re.escape(words)):
        LtxClient("k-123", url)


def test_loopback_hosts() -> None:
    assert all(map(is_loopback_host, ["127.0.0.1", "127.9.9.9", "::1", "[::1]", "localhost"]))
    assert not any(map(is_loopback_host, ["10.0.0.1", "example.com", "localhost.example.com"]))
    check_transport_url("http://127.0.0.1:9/x?sig=1", what="result URL")
    with pytest.raises(ValueError, match="result URL"):
        check_transport_url("http://storage.example/x?sig=1", what="result URL")


def test_origins_decide_where_the_key_goes() -> None:
    assert origin("https://api.ltx.video/v2/x") == ("https", "api.ltx.video", 443)
    assert origin("https://API.ltx.video:443") == origin("https://api.ltx.video")
    assert origin("http://127.0.0.1:8001/a") != origin("http://127.0.0.1:8002/a")


def test_redaction_of_urls_bodies_and_secrets() -> None:
    signed = "https://storage.example.com/b/v.mp4?X-Goog-Signature=abc123&X-Goog-Expires=3600"
    assert redact_url(signed) == "https://storage.example.com/b/v.mp4?…"
    assert redact_url("https://u:p@h.example/x") == "https://h.example/x"
    body = {
        "prompt": "a fox",
        "image_uri": "data:image/png;base64," + "A" * 5000,
        "nested": [{"video_uri": signed}],
    }
    redacted = str(redact_body(body))
    assert "A" * 100 not in redacted
    assert "(5000 chars)" in redacted
    assert "abc123" not in redacted
    assert "a fox" in redacted  # prompts are kept: this form is only logged at DEBUG
    scrub = Scrubber("sk-live-123")
    assert scrub("bad key sk-live-123!") == "bad key [redacted]!"
    assert "sk-live" not in repr(scrub)


def test_httpx_request_lines_lose_their_signatures(caplog: pytest.LogCaptureFixture) -> None:
    install_httpx_url_filter()
    install_httpx_url_filter()  # idempotent
    with caplog.at_level(logging.INFO, logger="httpx"):
        logging.getLogger("httpx").info(
            'HTTP Request: %s %s "%s %d %s"',
            "GET",
            "https://storage.example.com/v.mp4?sig=SECRET",
            "HTTP/1.1",
            200,
            "OK",
        )
    assert "SECRET" not in caplog.text
    assert "https://storage.example.com/v.mp4?…" in caplog.text


def test_the_client_never_shows_its_key() -> None:
    client = LtxClient("sk-live-abcdef", "https://api.ltx.video")
    assert "sk-live" not in repr(client)
    assert "sk-live" not in repr(client._loop)
    for bad in ("", "   ", "key with space", "key\nnewline"):
        with pytest.raises(ValueError, match="API key") as caught:
            LtxClient(bad)
        assert bad.strip() == "" or bad not in str(caught.value)
