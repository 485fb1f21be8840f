"""The offline LTX API emulator: an ASGI app (in-process or served on loopback) that validates
requests like the real API and renders real MP4 clips. Never imports Qt, nor ltxstudio.api, media,
settings, jobs or library: a fake that shared the client's code would share its bugs."""
