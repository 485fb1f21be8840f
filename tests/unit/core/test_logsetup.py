from __future__ import annotations

import logging
from pathlib import Path

from ltxstudio.core.logsetup import RedactSecrets, configure


def test_secrets_bearer_tokens_and_data_uris_never_reach_the_log(tmp_path: Path) -> None:
    key = "ltx-test-KEY-0123456789"
    RedactSecrets.register(key)
    root = logging.getLogger()
    before = list(root.handlers)
    path = configure(tmp_path, level=logging.DEBUG)
    try:
        log = logging.getLogger("ltxstudio.test")
        log.debug("header Authorization: Bearer %s", key)
        log.info("config %r", {"api_key": key})
        log.info("body data:image/png;base64,%s", "A" * 500)
        try:
            raise RuntimeError(f"failed with {key}")
        except RuntimeError:
            log.exception("boom")
        for handler in root.handlers:
            handler.flush()
    finally:
        for handler in root.handlers[len(before) :]:
            root.removeHandler(handler)
            handler.close()
    assert path is not None
    text = path.read_text()
    assert key not in text
    assert "AAAA" * 20 not in text
    assert text.count("<redacted>") >= 3
    assert "RuntimeError: failed with <redacted>" in text


def test_atomic_writes_sweep_what_killed_writers_left(tmp_path: Path) -> None:
    import os

    from ltxstudio.core.fsutil import atomic_write_text

    target = tmp_path / "a.mp4"
    stale = tmp_path / ".a.mp4.dead1234.tmp"
    fresh = tmp_path / ".a.mp4.live5678.tmp"
    stale.write_text("half")
    fresh.write_text("someone writing now")
    os.utime(stale, (0, 0))
    atomic_write_text(target, "whole")
    assert target.read_text() == "whole"
    assert not stale.exists()
    assert fresh.exists()  # a live writer's temp is left alone
