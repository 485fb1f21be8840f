"""R5: where the key may go, and that TLS is verified. What other suites already prove is listed
in docs/RELIABILITY.md and not repeated here (URL rules, 401s on every route, the sandbox's
refusal of a remote bind).

- The client verifies certificates: against a TLS server on loopback with a self-signed
  certificate it refuses the handshake, so not one byte of HTTP (the key's header) is sent; the
  same server accepts a client that trusts that certificate, so the refusal is the verification.
- Nothing in ltxstudio switches verification off.
- Plain http to a host that is not loopback is refused by the CLI as bad input, before any
  connection (in-process, where tests/conftest.py fails any non-loopback connect).
- The sandbox cannot be made keyless, not even with --allow-remote.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ltxstudio.api import (
    ApiConnectionError,
    LtxClient,
    RetryPolicy,
)
from ltxstudio.cli import build_parser
from ltxstudio.cli import run as run_cli
from ltxstudio.core.clock import ManualClock
from ltxstudio.sandbox.config import SandboxConfig
from ltxstudio.sandbox.server import config_from_args

pytestmark = [pytest.mark.loopback]

KEY = "ltx-R5TLS-3f9e1d2c4b5a69788796"
REPO = Path(__file__).resolve().parents[2]


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class TlsServer:
    """Accepts TLS connections on 127.0.0.1 and records the bytes each one sends after the
    handshake (an HTTP request, with its Authorization header, would land here)."""

    def __init__(self, cert: Path, key: Path) -> None:
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self.handshakes_failed = 0
        self.handled = threading.Semaphore(0)  # one release per connection dealt with
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._stop = False

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                try:
                    with self.context.wrap_socket(conn, server_side=True) as tls:
                        tls.settimeout(5)
                        self.received.append(tls.recv(65536))
                        tls.sendall(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n")
                except (ssl.SSLError, OSError):
                    self.handshakes_failed += 1
            self.handled.release()

    def __enter__(self) -> TlsServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop = True
        socket.create_connection(("127.0.0.1", self.port)).close()  # wakes the blocked accept()
        self._thread.join(timeout=10)
        self.sock.close()


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[TlsServer, Path]]:
    cert, key = _self_signed(tmp_path)
    with TlsServer(cert, key) as server:
        yield server, cert


@pytest.mark.asyncio
async def test_the_client_refuses_an_unverified_certificate(
    tls_server: tuple[TlsServer, Path],
) -> None:
    server, cert = tls_server
    policy = RetryPolicy(max_attempts=1)
    base = f"https://127.0.0.1:{server.port}"
    async with LtxClient(KEY, base, clock=ManualClock(), retry_policy=policy) as client:
        with pytest.raises(ApiConnectionError) as caught:
            await client.status(client.handle_for("text-to-video", "any-job"))
    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value) or "certificate" in str(caught.value)
    assert server.handled.acquire(timeout=10)  # the server's side of that connection is done
    assert server.received == []  # not one byte of HTTP, so not the key
    assert server.handshakes_failed == 1
    # The same server works for a client that trusts its certificate: the refusal above is
    # the verification, not a broken server.
    trusting = ssl.create_default_context(cafile=str(cert))
    with (
        socket.create_connection(("127.0.0.1", server.port)) as raw,
        trusting.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        tls.sendall(b"GET / HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n")
        assert tls.recv(100).startswith(b"HTTP/1.1 404")
    assert server.received == [b"GET / HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n"]


def test_nothing_in_ltxstudio_turns_verification_off() -> None:
    off = re.compile(
        r"verify\s*=\s*(False|0|None)|CERT_NONE|check_hostname\s*=\s*False|_create_unverified"
    )
    hits = [
        f"{path.relative_to(REPO)}:{n}"
        for path in sorted((REPO / "ltxstudio").rglob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        if off.search(line)
    ]
    assert not hits, hits


@pytest.mark.parametrize(
    "url", ["http://192.0.2.10:8765", "http://api.ltx.video", "http://[2001:db8::1]:443"]
)
def test_the_cli_refuses_plain_http_to_another_host(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LTX_API_KEY", KEY)
    args = build_parser().parse_args(
        ["--base-url", url, "generate", "text", "--prompt", "a lighthouse at dusk"]
    )
    assert run_cli(args) == 2  # bad input: nothing was sent
    err = capsys.readouterr().err
    assert "refusing plain http://" in err
    assert "Traceback" not in err
    assert KEY not in err


def test_the_sandbox_cannot_be_made_keyless() -> None:
    parser = build_parser()
    remote = parser.parse_args(["sandbox", "--allow-remote", "--host", "0.0.0.0", "--api-key", ""])
    forced = config_from_args(remote, storage_base_url=None)
    assert forced.api_key.startswith("sbx_")  # an empty key means a random one, never none
    assert len(forced.api_key) > 20
    with pytest.raises(ValueError, match="always requires an API key"):
        SandboxConfig(api_key="")
