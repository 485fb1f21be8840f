"""Run by `test_persistence`: a sandbox process on a state dir that completes one render, starts
another, then SIGKILLs itself while that render runs. Prints the two job ids as JSON first.

    python tests/sandbox/crash_child.py STATE_DIR CLOCK_START API_KEY
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import httpx

from ltxstudio.core.clock import ManualClock
from ltxstudio.sandbox.asgi import create_app, sandbox_of
from ltxstudio.sandbox.config import SandboxConfig

BODY = {
    "prompt": "a lighthouse at dusk",
    "model": "ltx-2-3-fast",
    "duration": 2,
    "resolution": "1280x720",
}


async def main(state_dir: Path, start: float, key: str) -> None:
    config = SandboxConfig(api_key=key, clock=ManualClock(start), state_dir=state_dir)
    app = create_app(config)
    sb = sandbox_of(app)
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://sandbox.test",
        headers={"Authorization": f"Bearer {key}"},
    )
    done = (await client.post("/v2/text-to-video", json=BODY)).json()["id"]
    await sb.idle()
    entered = threading.Event()

    def hang(spec: Any) -> Any:
        entered.set()
        threading.Event().wait()  # until the kill

    sb.renderer.render = hang  # type: ignore[method-assign]
    cut = {**BODY, "prompt": "cut off by the kill"}
    flying = (await client.post("/v2/text-to-video", json=cut)).json()["id"]
    await asyncio.to_thread(entered.wait)
    print(json.dumps({"done": done, "flying": flying}), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), float(sys.argv[2]), sys.argv[3]))
