"""Ctrl-C and TERM for the `takedown` command: stop cleanly, say so in one line.

A signal stops every running DuckDB query through its connection's interrupt() (never by
unwinding through DuckDB, which once aborted the process: issue 20 item 19), then raises in the
main thread so every `finally` (scratch removal, worker teardown) runs. The CLI prints
"interrupted" (130) or "terminated" (143). Stdlib only: it is installed before the heavy imports.
"""

from __future__ import annotations

import signal
import threading
import weakref
from typing import Any

EXIT = {signal.SIGINT: ("interrupted", 130), signal.SIGTERM: ("terminated", 143)}


class Terminated(BaseException):
    """SIGTERM, raised like KeyboardInterrupt so that cleanup code runs before the exit."""


_lock = threading.RLock()  # re-entrant: the handler may run while this thread holds it
_connections: weakref.WeakSet[Any] = weakref.WeakSet()
_state: dict[str, Any] = {"signal": None, "armed": False, "raised": False}


def track(con: Any) -> Any:
    """Remember a DuckDB connection so that a signal interrupts its query; returns it."""
    with _lock:
        _connections.add(con)
    return con


def interrupt_all() -> None:
    """Interrupt the query of every tracked connection (closed ones are skipped)."""
    with _lock:
        cons = list(_connections)
    for con in cons:
        try:
            con.interrupt()
        except Exception:  # noqa: BLE001 - closed, or no query running: nothing to stop
            pass


def received() -> int | None:
    """The first SIGINT or SIGTERM this process got, if any."""
    return _state["signal"]


def _exception(signum: int) -> BaseException:
    return KeyboardInterrupt() if signum == signal.SIGINT else Terminated()


def _handler(signum: int, frame: Any) -> None:
    """Record the signal, stop DuckDB, and raise once (a second Ctrl-C never cuts cleanup short)."""
    if _state["signal"] is None:
        _state["signal"] = signum
    interrupt_all()
    if _state["armed"] and not _state["raised"]:
        _state["raised"] = True
        raise _exception(_state["signal"])


def install() -> None:
    """Handle SIGINT and SIGTERM from now on; until arm(), a signal is only recorded."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in EXIT:
        signal.signal(signum, _handler)


def arm() -> None:
    """From here on a signal raises; one that came while the command was starting raises now."""
    _state["armed"] = True
    if _state["signal"] is not None and not _state["raised"]:
        _state["raised"] = True
        raise _exception(_state["signal"])


def disarm() -> None:
    """The command's work is done: a signal from now on is only recorded (the exit stays 0)."""
    _state["armed"] = False
