"""The offline LTX API emulator: an ASGI app (in-process or served on loopback) that validates
requests like the real API and renders real MP4 clips. It follows the contract as documented on
2026-09-27 (`../shared/ltx-api/CONTRACT-2026-09.md`), which overrides the July OpenAPI export:
generation is v2 only (the five v1 routes answer 410), v2 jobs beyond the render concurrency wait
in `pending`, too many waiting jobs answer 429 "Queue limit exceeded", uploads are create-only
200 MB objects that live 24 h, and result URLs expire on their own clock. Never imports Qt, nor
ltxstudio.api, media, settings, jobs or library: a fake that shared the client's code would share
its bugs.

Use it in-process (no port; `httpx.ASGITransport` runs no lifespan, so all state is made in
`create_app`)::

    from ltxstudio.sandbox.asgi import create_app, sandbox_of
    from ltxstudio.sandbox.config import SandboxConfig

    app = create_app(SandboxConfig(api_key=key, clock=clock))
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox")
    await sandbox_of(app).idle()  # tests: wait for renders started so far

or over loopback: `ltxstudio sandbox` / `python -m ltxstudio.sandbox` (see `server.py`), or
`tests/support/sandbox_server.serve_sandbox` in tests.

By default all state lives in memory and dies with the app. With `SandboxConfig(state_dir=…)`
(`--state-dir DIR` on the command line) jobs, uploads, results, the ledger and the stats counters
survive restarts and crashes: a client that re-attaches to `(endpoint, id)` after a restart finds
its job, and a render cut off by the crash is done again (renders are deterministic). Results are
then files served from disk. Retention (24 h after a job ends, by the injected clock) runs when
the app loads and at every request after that; an idle sandbox deletes nothing until its next
request. One process per state dir is the supported use; what a second one sharing it can and
cannot see is in `statedb.py`.

Beyond the 14 OpenAPI operations it serves pre-signed storage under `/_sandbox/storage/…` (upload
PUTs and result downloads; no Bearer key, and an `Authorization` header is refused), which answers
errors in storage's own XML, never the API's JSON envelope, and admin routes with the Bearer key:
`GET /_sandbox/stats`, `GET /_sandbox/ledger`, `POST /_sandbox/balance {"set_usd"|"add_usd"}`,
`GET|PUT /_sandbox/faults {"spec"}` (syntax in `faults.py`).

Modules: `config` (frozen settings), `asgi` (routes), `storage_routes` (the signed-URL routes),
`bodies` (reading a body within a limit), `service` (state and use-cases),
`validation` (wire checks against `core.catalog`), `admission` (input media rules, render spec,
price basis), `inputs` (storage_uri / data: / URL fetching), `uploads` and `storage` (signed
objects), `storage_errors` (storage's XML refusals), `jobs` (v2 state from the clock and the
render slots), `ledger`, `counters`, `limits`, `faults`, `probe` (own PyAV probe), `render`,
`paint` and `codec` (the pictures), `responses` (cut, lost and file-streamed bodies), `server`
(uvicorn); with a state dir `statedir` (opening one), `statedb` (SQLite),
`blobs` (the files), `specjson` and `keptspecs` (render specs kept for a second render).
"""
