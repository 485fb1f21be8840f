"""Where ltxstudio keeps things, per the platform's conventions (XDG on Linux).

Everything is computed on call, not at import, so tests that point `XDG_*_HOME` at a temporary
directory get isolated paths without reloading modules.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP = "ltxstudio"


@dataclass(frozen=True)
class AppPaths:
    config: Path  # settings.json
    data: Path  # journal.db, library.db, the default library folder
    cache: Path  # thumbnails, waveforms, proxies: safe to delete
    log: Path  # rotating log files

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.json"

    @property
    def journal(self) -> Path:
        return self.data / "journal.db"

    @property
    def library_db(self) -> Path:
        return self.data / "library.db"

    @property
    def default_library(self) -> Path:
        return self.data / "library"


def app_paths() -> AppPaths:
    return AppPaths(
        config=Path(platformdirs.user_config_dir(APP)),
        data=Path(platformdirs.user_data_dir(APP)),
        cache=Path(platformdirs.user_cache_dir(APP)),
        log=Path(platformdirs.user_log_dir(APP)),
    )
