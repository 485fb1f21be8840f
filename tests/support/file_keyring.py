"""A keyring backend for child processes in tests: `PYTHON_KEYRING_BACKEND=
tests.support.file_keyring.FileKeyring` with `LTXSTUDIO_TEST_KEYRING=<file>`.

It stands for the OS secret store across processes (the in-memory one of tests/conftest.py lives
in one process only), so a test can run `ltxstudio key set` in one child and use the key in the
next without touching the real keyring. The file is the "store", so tests keep it outside every
folder they scan for leaked keys.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    @property
    def _path(self) -> Path:
        return Path(os.environ["LTXSTUDIO_TEST_KEYRING"])

    def _load(self) -> dict[str, str]:
        try:
            data: dict[str, str] = json.loads(self._path.read_text())
        except FileNotFoundError:
            return {}
        return data

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        entries = self._load()
        entries[f"{service}/{username}"] = password
        self._path.write_text(json.dumps(entries))

    def delete_password(self, service: str, username: str) -> None:
        entries = self._load()
        entries.pop(f"{service}/{username}", None)
        self._path.write_text(json.dumps(entries))
