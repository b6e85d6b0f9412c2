"""A kernel fork server: the stack is imported once per render, each notebook gets a fresh fork.

Every kernel used to pay about 4 CPU-seconds of imports (pandas, duckdb, seaborn, statsmodels,
the library) before its first cell. The zygote imports them once, never runs a notebook's code,
and forks one new kernel per notebook: a clean process, with a fresh namespace and untouched
modules, as a kernel started from scratch, but for IPython's SQLite history, which it does not
keep (see _kernel). papermill still runs each notebook against its own kernel, through
jupyter_client, whose kernel command is this file's `launch` mode: a stdlib-only stand-in that
asks the zygote for a fork, forwards signals to it and lives exactly as long as it does. So interrupts, shutdowns and kills work as with a plain kernel.

Lifetimes: the zygote dies with the render (PR_SET_PDEATHSIG), a forked kernel with the zygote
(same) and with its stand-in (it watches it through a pidfd), the stand-in with its worker.

This file is run as a script (`python zygote.py serve|launch ...`): stdlib imports only.
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import select
import signal
import socket
import sys
import threading
import time

PRELOAD = (  # what every kernel imports: ipykernel's own modules, then the notebooks' stack
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",  # debugpy: imported by every kernel as it starts
    "IPython.core.completerlib",
    "IPython.core.debugger",
    "IPython.core.oinspect",
    "IPython.extensions.storemagic",
    "tornado.gen",
    "tornado.queues",
    "tornado.platform.asyncio",
    "IPython.core.history",
    "sqlite3",
    "psutil",
    "pdb",
    "duckdb",
    "numpy",
    "pandas",
    "matplotlib.pyplot",
    "seaborn",
    "statsmodels.formula.api",  # what findings.posting_clock imports: not statsmodels.api,
    "statsmodels.genmod.families",  # whose datasets, graphics and tsa add 0.3 s to the wait
    "statsmodels.stats.proportion",  # findings.stats imports it when first called
    # What cells import later: the figure backends (not the inline one, whose import must
    # happen in the kernel, where it hooks itself into IPython) and the network libraries.
    "matplotlib.backends.backend_agg",
    "matplotlib.backends.backend_svg",
    "pyarrow.pandas_compat",
    "pandas.core.reshape.reshape",
    "igraph",
    "leidenalg",
    "takedown.notebook",
    "takedown.figures",
    "takedown.fonts",
    "takedown.tables_csv",
)
# Every module of these packages and their subpackages too (notebooks call into them; importing
# one has no effect on matplotlib, pandas or anything else a notebook could see).
PRELOAD_PACKAGES = ("takedown.findings",)
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1)


def die_with_parent() -> None:
    """PR_SET_PDEATHSIG: this process is killed when the one that started it goes."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def wait_gone(pid: int) -> None:
    """Block until process pid has exited (a pidfd turns readable), or it is a zombie."""
    try:
        fd = os.pidfd_open(pid)
    except OSError:
        return
    try:
        select.select([fd], [], [])
    finally:
        os.close(fd)


def preload() -> None:
    """Import what every kernel will (PRELOAD, then each module of PRELOAD_PACKAGES), and
    register the fonts each notebook's setup registers with matplotlib."""
    import importlib
    import pkgutil

    names = list(PRELOAD)
    for package in PRELOAD_PACKAGES:
        try:
            path = importlib.import_module(package).__path__
        except Exception:  # noqa: BLE001 - see below
            continue
        names += [m.name for m in pkgutil.walk_packages(path, package + ".", onerror=_skip)]
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the notebook will then import (and fail) by itself
            pass
    try:  # a cache, not a setting: the fonts every notebook's setup registers
        importlib.import_module("takedown.fonts").add_matplotlib_fonts()
    except Exception:  # noqa: BLE001 - setup registers them itself (and says why it cannot)
        pass


def _skip(_name: str) -> None:
    """A subpackage that fails to import is left to the notebook that uses it."""


def address(name: str) -> str:
    """A socket in Linux's abstract namespace: no file to leave behind, gone with the zygote."""
    return "\0" + name.lstrip("@")


def serve(name: str) -> None:
    """The zygote: listen first (so stand-ins can queue), import the stack, then fork on demand."""
    die_with_parent()
    if sys.path and sys.path[0] == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]  # this folder's modules must not shadow anything a notebook imports
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    listener.bind(address(name))
    listener.listen(64)
    # What ipykernel itself sets before any import of matplotlib (kernelapp.init_kernel).
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    preload()
    # What was imported stays for good: out of the collector's sight, so that a kernel's
    # collections neither walk it nor copy its pages (copy-on-write) into every fork.
    gc.collect()
    gc.freeze()
    signal.signal(signal.SIGCHLD, _reap)  # and so their CPU time counts as the render's
    while True:
        conn, _ = listener.accept()
        with conn:
            _fork_one(listener, conn)


def _reap(_sig: int, _frame: object) -> None:
    """Collect every kernel that has exited (no zombies)."""
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


def _fork_one(listener: socket.socket, conn: socket.socket) -> None:
    """Fork one kernel for the stand-in on conn and tell it the kernel's pid."""
    try:
        msg, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
    except OSError:
        return
    try:
        request = json.loads(msg)
        pid = os.fork()
        if pid == 0:
            listener.close()
            _kernel(request, fds, conn)
        conn.sendall(str(pid).encode())
    except (OSError, ValueError):
        pass
    finally:
        for fd in fds:
            os.close(fd)


def _kernel(request: dict, fds: list[int], conn: socket.socket) -> None:
    """In the fork: become the stand-in's kernel (its fds, cwd and env), then run ipykernel."""
    try:
        conn.close()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        die_with_parent()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        # A session of its own, as jupyter_client starts a kernel: out of the terminal's reach,
        # and its own scheduler autogroup (in the render's, every kernel shared one CPU share).
        os.setsid()
        _reseed()
        standin = request["pid"]
        threading.Thread(target=lambda: (wait_gone(standin), os._exit(1)), daemon=True).start()
        sys.argv = ["ipykernel_launcher", *request["argv"]]
        from ipykernel.kernelapp import IPKernelApp

        # Its default was read from the zygote's environment, which has no parent.
        parent = request["env"].get("JPY_PARENT_PID") or "0"
        # No SQLite history: no notebook reads it back, and each kernel otherwise opened the
        # user's history file and ran a thread writing every cell into it.
        IPKernelApp.launch_instance(
            argv=[
                *request["argv"],
                f"--IPKernelApp.parent_handle={parent}",
                "--HistoryManager.enabled=False",
            ]
        )
    except BaseException:  # noqa: BLE001 - the fork must never return into the server loop
        import traceback

        traceback.print_exc()
        os._exit(1)
    os._exit(0)


def _reseed() -> None:
    """Fresh random state, as a new process would have: the forks must not share the zygote's."""
    import random

    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


def _connect(name: str, wait_s: float = 60.0) -> socket.socket | None:
    """A connection to the zygote, waiting while it is still starting."""
    deadline = time.monotonic() + wait_s
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            sock.connect(address(name))
            return sock
        except (ConnectionRefusedError, FileNotFoundError):
            sock.close()
            if time.monotonic() > deadline:
                return None
            time.sleep(0.02)


def launch(name: str, argv: list[str]) -> int:
    """The kernel command jupyter_client starts: get a fork from the zygote and stand in for it."""
    die_with_parent()
    sock = _connect(name)
    if sock is None:
        print("no kernel zygote to fork a kernel from", file=sys.stderr)
        return 1
    request = {"cwd": os.getcwd(), "env": dict(os.environ), "pid": os.getpid(), "argv": argv}
    socket.send_fds(sock, [json.dumps(request).encode()], [0, 1, 2])
    reply = sock.recv(64)
    sock.close()
    if not reply:
        print("the kernel zygote did not fork a kernel", file=sys.stderr)
        return 1
    kernel = int(reply)

    def forward(sig: int, _frame: object) -> None:
        try:
            os.kill(kernel, sig)
        except ProcessLookupError:
            pass
        if sig != signal.SIGINT:
            os._exit(128 + sig)

    for sig in FORWARDED:
        signal.signal(sig, forward)
    wait_gone(kernel)
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2])
    else:
        sys.exit(launch(sys.argv[2], sys.argv[3:]))
