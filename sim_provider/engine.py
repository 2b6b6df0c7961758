"""The dynamic provider process ends with the Pulumi engine that started it.

The engine runs this process (`python -m pulumi.dynamic <engine address>`) in a process group of its
own and stops it when an update ends. An engine that is killed (SIGKILL, a crash, a closed terminal)
stops nothing, and Pulumi's Python provider server never checks on its engine: it would run on,
finish a create whose result no state records, and leave a container nobody knows. So a watcher
thread checks on the engine; once it is gone, creates in flight stop before they commit (removing
what they made), the process ends, and so does the update's language host, which Pulumi only checks
on every 5 minutes.

An engine told to terminate (Ctrl-C twice) is not gone: it stops waiting for the operations in
flight, records them as interrupted, and goes on listening for seconds. A create that finished then
would leave a container no state records, so a create also stops once its call is cancelled.
"""

import functools
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import grpc  # type: ignore[import-untyped]  # (stubs not installed; only ServicerContext is used)
from pulumi.dynamic import ConfigureRequest, ResourceProvider

from sim_provider.docker_ops import SimError

WATCHER_NAME = "containers-engine-watcher"
CHECK_EVERY_SECONDS = 0.5
# After the engine is gone, creates in flight get this long to clean up before the process ends anyway.
CLEANUP_GRACE_SECONDS = 60
LANGUAGE_HOST = "pulumi-language-python"
# What the engine calls on a provider (pulumi.dynamic.ResourceProvider's methods).
OPERATIONS = ("check", "diff", "create", "read", "update", "delete")


def engine_address() -> str | None:
    """host:port of the engine this provider server serves; None outside one (a test calling a
    provider directly, the program itself)."""
    main_spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    if getattr(main_spec, "name", None) != "pulumi.dynamic.__main__":
        return None
    # The engine passes its address last, after any logging flags.
    for argument in reversed(sys.argv[1:]):
        host, _, port = argument.rpartition(":")
        if host and port.isdigit():
            return argument
    return None


def engine_running() -> bool:
    address = engine_address()
    if address is None:
        return True
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return True
    except ConnectionRefusedError:
        return False  # nothing listens on the engine's port: it is gone
    except OSError:
        return True  # slow to answer is not gone


def ensure_engine_running(what: str) -> None:
    """Raise (so the create removes what it made) when nobody would record `what`."""
    if not call_awaited():
        raise SimError(f"The Pulumi engine stopped waiting for {what} (terminated): abandoned, nothing kept.")
    if not engine_running():
        raise SimError(f"The Pulumi engine that asked for {what} is gone: abandoned, nothing kept.")


def call_awaited() -> bool:
    """Whether the engine still waits for the answer of the gRPC call this thread serves (False once
    it cancelled the call). Outside a call (a test calling a provider directly, the program): True."""
    context = serving_call()
    return context is None or bool(context.is_active())


def serving_call() -> Any:
    """The gRPC context of the call this thread serves, or None outside one. Pulumi's provider server
    gives a provider no access to the call: its servicer method (`Create(self, request, context)`)
    holds it, on this thread's stack."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        context = frame.f_locals.get("context")
        if isinstance(context, grpc.ServicerContext):
            return context
        frame = frame.f_back
    return None


def follow_engine() -> None:
    """Watch the engine from this process (once: the provider server configures each provider
    under one lock)."""
    if engine_address() is None or any(thread.name == WATCHER_NAME for thread in threading.enumerate()):
        return
    threading.Thread(target=_watch, name=WATCHER_NAME, daemon=True).start()


class EngineBoundProvider(ResourceProvider):
    """The base of every sim provider: the process serving it ends with its engine, and its errors
    reach the user in the words they were written in."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in OPERATIONS:
            if name in vars(cls):
                setattr(cls, name, _in_its_own_words(vars(cls)[name]))

    def configure(self, req: ConfigureRequest) -> None:
        follow_engine()


def _in_its_own_words(operation: Callable[..., Any]) -> Callable[..., Any]:
    """gRPC's server words whatever a provider raises as "Exception calling application: <error>",
    which `pulumi up` prints as is. A SimError is a message for the user: the call ends with it alone."""

    @functools.wraps(operation)
    def run(self: Any, *args: Any) -> Any:
        try:
            return operation(self, *args)
        except SimError as error:
            context = serving_call()
            if context is None:
                raise
            context.abort(grpc.StatusCode.UNKNOWN, str(error))

    return run


def _watch() -> None:
    while engine_running():
        time.sleep(CHECK_EVERY_SECONDS)
    _stop_language_host(engine_address() or "")
    # SIGINT is the provider server's own way to stop: it stops serving, and the interpreter exits
    # once the operations in flight have returned (each sees the engine gone and cleans up).
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(CLEANUP_GRACE_SECONDS)
    os._exit(1)


def _stop_language_host(address: str) -> None:
    """SIGINT (its graceful stop) to the language host of the same engine: one process of this
    user whose command is exactly `pulumi-language-python <address>`. Linux only (its /proc); elsewhere
    the language host ends at Pulumi's own next check."""
    processes = Path("/proc")
    if not processes.is_dir():
        return
    for process in processes.iterdir():
        try:
            arguments = (process / "cmdline").read_bytes().split(b"\0")
            owner = process.stat().st_uid
        except OSError:
            continue  # gone meanwhile, or not ours to read
        if owner != os.getuid() or len(arguments) < 2 or not arguments[0].endswith(LANGUAGE_HOST.encode()):
            continue
        if address.encode() in arguments[1:]:
            try:
                os.kill(int(process.name), signal.SIGINT)
            except (OSError, ValueError):
                continue
