# ruff: noqa
"""Names vulture (`make lint`) cannot see used, each with why. Parsed by vulture, never run.

`make lint` scans ltxstudio/ and tests/ together (code only tests use is still used: the manual
clock, the fake backend's hooks) and fails on any finding in ltxstudio/. Test modules themselves
are not judged: pytest finds fixtures and `pytestmark` by name.
"""

# Qt calls these overrides of its virtual methods; nothing in Python does.
_.paintEvent
_.mousePressEvent
_.mouseMoveEvent
_.mouseReleaseEvent
_.wheelEvent
_.contextMenuEvent
_.dragEnterEvent
_.sizeHint
_.supportedDropActions
_.mimeTypes
# A QStyleOptionProgressBar field Qt's style reads when it paints the bar.
_.textVisible

# PyAV codec-context settings: libav reads them when the codec opens.
_.thread_type
_.gop_size
_.skip_frame

# argparse calls Action.__call__(parser, namespace, values, option_string) by position.
namespace
option_string

# logging: a filter rewrites the record's message in place for every handler after it.
_.msg

# uvicorn's Server reads these flags from its own loop to stop.
_.should_exit
_.force_exit

# PEP 562 module hooks: Python calls them for lazily loaded names.
__getattr__
__dir__

# A documented API error type (CONTRACT-2026-09 §7) the sandbox keeps in its vocabulary even
# though no route answers with it yet.
RANGE_NOT_SATISFIABLE
