"""The async LTX API client (httpx). Never imports Qt, PyAV, keyring, or anything above it; it is
given an API key and a base URL and never reads env vars or the keyring itself."""
