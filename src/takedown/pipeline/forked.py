"""The kernel manager and client papermill uses for a kernel forked from the zygote.

A forked kernel is ready in about 0.1 s, but jupyter_client's defaults then idled about 0.3 s
per notebook (issue 18): after the kernel answered, its client listened to IOPub until 0.2 s
passed in silence, and at shutdown it polled for the kernel's exit every 0.1 s. Twelve
notebooks per report, hundreds of reports per archive. Both waits are cut here; nothing else
changes: the kernel must still answer kernel_info and show that IOPub reaches the client before
the first cell, and it is still asked to shut down, then terminated, then killed.
"""

from __future__ import annotations

import sys
import time
from queue import Empty
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import ensure_async

from takedown.pipeline import kernel

IOPUB_CHECK_S = 0.2  # jupyter_client's own wait for the first IOPub message after kernel_info
EXIT_POLL_S = 0.005  # how often shutdown checks whether the kernel has exited (default 0.1 s)


class ReadyClient(AsyncKernelClient):
    """A client that is ready when the kernel is: no trailing 0.2 s of listening to IOPub."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        """kernel_info until it is answered and IOPub is seen connected (jupyter_client's test),
        then take only the IOPub messages already queued: nbclient ignores any other."""
        deadline = time.time() + (float("inf") if timeout is None else timeout)
        while not await self._answered():
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.time() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
        while await self._queued_iopub():
            pass

    async def _answered(self) -> bool:
        """One kernel_info round: True when it was answered and IOPub delivered a message."""
        self.kernel_info()
        try:
            msg = await ensure_async(self.shell_channel.get_msg(timeout=1))
        except Empty:
            return False
        if msg["msg_type"] != "kernel_info_reply":
            return False
        try:  # IOPub not connected yet (a slow joiner): start over, as jupyter_client does
            await ensure_async(self.iopub_channel.get_msg(timeout=IOPUB_CHECK_S))
        except Empty:
            return False
        self._handle_kernel_info_reply(msg)
        return True

    async def _queued_iopub(self) -> bool:
        try:
            await ensure_async(self.iopub_channel.get_msg(timeout=0.001))
        except Empty:
            return False
        return True


def fork_manager(zygote: str) -> type:
    """A kernel manager whose kernel is forked from the zygote named `zygote` (see zygote.py)."""
    argv = [sys.executable, kernel.ZYGOTE_SCRIPT, "launch", zygote, "-f", "{connection_file}"]

    class ForkedKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.client_factory = ReadyClient

        @property
        def kernel_spec(self) -> KernelSpec:
            if self._kernel_spec is None:
                self._kernel_spec = KernelSpec(
                    argv=argv, display_name="takedown (forked)", language="python"
                )
            return self._kernel_spec

        async def _async_finish_shutdown(
            self, waittime: float | None = None, pollinterval: float = 0.1, restart: bool = False
        ) -> None:
            await super()._async_finish_shutdown(waittime, EXIT_POLL_S, restart)

    return ForkedKernelManager
