"""Blocking media work off the event loop: `await media.run(fn, ...)`.

Two bounded pools: `FOREGROUND` for what a user waits on (probe, a thumbnail strip, a scrub
frame) and `BACKGROUND` (one worker) for long jobs such as proxies, so a proxy build never
starves the scrub bar. Workers return plain data and never touch Qt objects.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from enum import StrEnum
from typing import Any, ParamSpec, TypeVar

from ltxstudio.media.errors import CancelToken

P = ParamSpec("P")
T = TypeVar("T")


class Lane(StrEnum):
    FOREGROUND = "foreground"
    BACKGROUND = "background"


_pools: dict[Lane, ThreadPoolExecutor] = {}


def _workers(lane: Lane) -> int:
    match lane:
        case Lane.FOREGROUND:
            return max(2, min(4, os.cpu_count() or 2))
        case Lane.BACKGROUND:
            return 1


def executor(lane: Lane = Lane.FOREGROUND) -> ThreadPoolExecutor:
    pool = _pools.get(lane)
    if pool is None:
        pool = ThreadPoolExecutor(_workers(lane), thread_name_prefix=f"media-{lane.value}")
        _pools[lane] = pool
    return pool


async def run(fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Run `fn(*args, **kwargs)` on the foreground pool and await its result."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(
        executor(Lane.FOREGROUND), functools.partial(fn, *args, **kwargs)
    )


async def run_cancellable(
    fn: Callable[..., T], /, *args: Any, lane: Lane = Lane.FOREGROUND, **kwargs: Any
) -> T:
    """Run `fn(*args, cancel=token, **kwargs)`; cancelling the awaiting task sets the token, so
    the worker stops at its next frame instead of running on unseen.

    The awaiting task is cancelled at once; the worker thread finishes its current frame.
    """
    if "cancel" not in inspect.signature(fn).parameters:
        raise TypeError(f"{fn.__name__} takes no cancel token")
    token = kwargs.pop("cancel", None) or CancelToken()
    loop = asyncio.get_running_loop()
    call = functools.partial(fn, *args, cancel=token, **kwargs)
    future = loop.run_in_executor(executor(lane), call)
    try:
        return await future
    except asyncio.CancelledError:
        token.cancel()
        raise


def shutdown() -> None:
    """Stop the pools (at application exit); pending work is cancelled, running work finishes."""
    for pool in _pools.values():
        pool.shutdown(wait=True, cancel_futures=True)
    _pools.clear()
