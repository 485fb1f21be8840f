"""A typed face for qasync's `asyncSlot` (qasync ships no type hints).

Use it only on QObject methods: on a free function or a closure a zero-argument asyncSlot is
broken (qasync#177). Calling the slot schedules the coroutine as a task that qasync keeps
referenced; exceptions raised in it reach `sys.excepthook`, i.e. the app's one error presenter.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, cast

import qasync

P = ParamSpec("P")


def async_slot(*types: type) -> Callable[[Callable[P, Awaitable[Any]]], Callable[P, None]]:
    return cast(
        Callable[[Callable[P, Awaitable[Any]]], Callable[P, None]], qasync.asyncSlot(*types)
    )
