"""Runtime hook: defaults the bundle sets before any of the app's code runs (the user's own
environment still wins, so `QT_LOGGING_RULES=... ./ltxstudio` brings the messages back)."""

import os

# QtMultimedia's FFmpeg backend logs a line or more for every file it opens.
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false")
