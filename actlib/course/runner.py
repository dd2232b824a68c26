"""Run one submission's cells in a limited kernel and collect what its answers do, as data.

The kernel is ``ipykernel`` started by :func:`run` itself (not through a kernel manager, so
that :class:`~actlib.course.sandbox.Sandbox` can set its limits between ``fork`` and
``exec``); it talks to the grader over Unix sockets in the scratch folder. The runner keeps
none of the notebook's output: it counts its size, notes the last error, and reads each
observation step's file (JSON, written by :func:`actlib.exercises._observe.emit`).

The kernel runs the grader's own Python and imports the grader's own ``actlib`` (the
observations must be written by the code that judges them), wherever they are installed: a
source checkout, a virtual environment, a plain ``pip install``.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import queue
import secrets
import stat
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..frameworks import KERNEL_ENV
from . import sandbox as sb
from .plan import Step

MAX_OBSERVATION_BYTES = 64 << 20
_KERNEL_ENV = KERNEL_ENV  # the book's framework start-up (actlib.frameworks), for the kernel


#: How the grader starts a kernel (``python -P -c KERNEL_START -f <connection file>``): ipykernel's
#: launcher, without the working directory (the submission's folder) on Python's path (it joins
#: at the end with :data:`FOLDER_ON_PATH`), and the grader's own ``actlib`` imported first (an
#: editable install's finder comes after every folder of the path, so an ``actlib/`` in the
#: submission's folder would come first: review 20).
#: ``--IPKernelApp.ignore_cwd=True`` keeps IPython from putting that folder first again (IPython 8
#: does, whatever ``-P`` says; 9.7 and later honour ``-P``: review 26).
KERNEL_START = "import actlib; from ipykernel import kernelapp; kernelapp.launch_new_instance()"
#: The first code the kernel runs, once it has started: only then does the submission's folder join
#: Python's path, at its end, so that no module of the folder (a storemagic.py, which IPython
#: imports at start) runs before the notebook's first cell (review 28).
FOLDER_ON_PATH = "import os as _o, sys as _s\n_s.path.append(_o.getcwd())\ndel _o, _s"


def _actlib_package() -> Path:
    import actlib

    return Path(actlib.__file__).resolve().parent


def kernel_needs() -> list[Path]:
    """The folders the kernel must read: the Python installation and environment, the grader's
    ``actlib`` package, the MNIST cache (see :class:`~actlib.course.sandbox.Sandbox`)."""
    from actlib.datasets import cache_dir

    return list(dict.fromkeys(Path(p) for p in (sys.base_prefix, sys.prefix, _actlib_package(), cache_dir())))


@functools.cache
def _actlib_found_from_elsewhere() -> bool:
    """Whether this Python, started in another folder without ``PYTHONPATH``, imports this ``actlib``
    (installed, or an editable install's finder) - as the kernel would."""
    probe = "import actlib, pathlib; print(pathlib.Path(actlib.__file__).resolve().parent)"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    try:
        out = subprocess.run([sys.executable, "-c", probe], cwd=tempfile.gettempdir(), env=env, timeout=120,
                             capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return False
    return out == str(_actlib_package())


def kernel_pythonpath(environ: dict[str, str]) -> str | None:
    """``PYTHONPATH`` for the kernel: the grader's, made absolute (the kernel starts in another
    folder), with the folder holding ``actlib`` first when the kernel would not find this
    ``actlib`` otherwise (a checkout run as ``PYTHONPATH=. python -m actlib.course.grade``).
    None: leave it unset."""
    entries = [str(Path(p).resolve()) for p in environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    home = str(_actlib_package().parent)
    if home not in entries and not _actlib_found_from_elsewhere():
        entries.insert(0, home)
    return os.pathsep.join(dict.fromkeys(entries)) or None


class Stop(Exception):
    """Execution of the submission stops here; the message says why."""


@dataclass
class RunResult:
    observations: dict = field(default_factory=dict)  # label -> observation (untrusted data)
    note: str = ""  # why execution stopped early, if it did
    seconds: float = 0.0
    # whether the kernel had a network / System V IPC namespace of its own; None: not measured,
    # since the kernel did not start (review 32)
    network_isolated: bool | None = None
    ipc_isolated: bool | None = None
    limits: str = ""


def _read_observations(path) -> dict:
    """The observation file, if it is a regular file of sensible size holding a JSON object."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return {}
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_OBSERVATION_BYTES:
            return {}
        try:
            data = json.loads(f.read(MAX_OBSERVATION_BYTES + 1))
        except (ValueError, RecursionError):
            return {}
    return {k: v for k, v in data.items() if isinstance(k, str)} if isinstance(data, dict) else {}


def _output_size(msg) -> int:
    """The size of a message the kernel sends, whatever its type (a kernel can publish any
    type, such as clear_output, over and over: review 27), its binary buffers included (review 28)."""
    return len(json.dumps(msg.get("content", {}))) + sum(len(b) for b in msg.get("buffers") or ())


class _Kernel:
    """A started kernel process and a client connected to it."""

    def __init__(self, box: sb.Sandbox, limits: sb.Limits, deadline: float):
        import zmq
        from jupyter_client import BlockingKernelClient
        from jupyter_client.connect import write_connection_file

        self.box, self.limits, self.deadline = box, limits, deadline
        self.output_bytes = 0
        connection = box.root / "kernel.json"
        write_connection_file(str(connection), transport="ipc", ip=str(box.root / "ipc"))
        if box.uid is not None:
            os.chown(connection, box.uid, box.gid)
        env = box.env({**os.environ, **_KERNEL_ENV})
        from actlib.datasets import cache_dir

        pythonpath = kernel_pythonpath(os.environ)
        if pythonpath:
            env["PYTHONPATH"] = pythonpath
        env["ACTLIB_CACHE_DIR"] = str(cache_dir())  # read-only for the kernel: the MNIST of the book
        env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
        # The kernel starts with Python's path as installed (-P: without the submission's folder, its
        # working directory, in front), so that a file handed in there (an ipykernel_launcher.py, a
        # zmq.py ...) cannot take the place of the kernel's own modules (review 18); the folder then
        # goes at the end of the path, so the notebook still imports its own helper modules, but
        # none that shadows an installed one (the scan flags those too: scan.SHADOWED).
        self.process = subprocess.Popen(
            [sys.executable, "-P", "-c", KERNEL_START, "-f", str(connection), "--HistoryManager.enabled=False",
             "--IPKernelApp.ignore_cwd=True"],
            cwd=box.folder, env=env, preexec_fn=box.preexec, start_new_session=True,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        context = zmq.Context()
        context.setsockopt(zmq.MAXMSGSIZE, limits.max_output_bytes + (1 << 20))  # one huge message: dropped
        self.client = BlockingKernelClient(connection_file=str(connection), context=context)
        self.client.load_connection_file()
        # (not the stdin and control channels, which the runner never reads: ZeroMQ would still
        # receive what the kernel sends there into this process, uncounted, review 29)
        self.client.start_channels(hb=False, stdin=False, control=False)
        # (whatever the runner is doing when time is up, such as reading a kernel that sends without
        # end: its processes are killed then, review 28)
        self.watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), box.kill, args=(self.process.pid,))
        self.watchdog.daemon = True
        self.watchdog.start()
        try:
            self._wait_for_ready(min(deadline, time.monotonic() + 120.0))
        except BaseException:  # (a kernel that did not start in time is stopped too: review 29)
            self.close()
            raise

    def _wait_for_ready(self, until: float):
        """Ask for kernel_info until the kernel answers (jupyter_client's own wait needs a heartbeat)."""
        asked = 0.0
        while time.monotonic() < until:
            if time.monotonic() - asked > 2.0:  # ask again now and then; any reply will do
                self.client.kernel_info()
                asked = time.monotonic()
            try:
                reply = self.client.get_shell_msg(timeout=0.2)
            except queue.Empty:
                self._stopped()
                continue
            if reply.get("msg_type") == "kernel_info_reply":
                while True:  # the replies to the other requests
                    self._stopped()
                    try:
                        self.output_bytes += _output_size(self.client.get_shell_msg(timeout=0.3))
                    except queue.Empty:
                        break
                self._drain()
                return
        self._stopped()
        raise Stop("the kernel did not start")

    def _stopped(self):
        """Raise :class:`Stop` if the kernel is dead or time is up."""
        if time.monotonic() > self.deadline:  # (first: at the deadline the watchdog kills the kernel)
            also = " (and hit the process limit)" if self.box.tasks_exceeded() else ""
            raise Stop(f"the notebook ran longer than {self.limits.wall_seconds:g} s{also}")
        if self.process.poll() is not None:
            why = ("it ran out of memory" if self.box.memory_exceeded() else
                   "it hit the process limit" if self.box.tasks_exceeded() else f"exit code {self.process.returncode}")
            raise Stop(f"the kernel died ({why})")

    def _drain(self):
        while True:
            self._stopped()  # (a kernel that publishes faster than this reads would keep it here: review 27)
            try:
                msg = self.client.get_iopub_msg(timeout=0)
            except queue.Empty:
                return
            self.output_bytes += _output_size(msg)
            if self.output_bytes > self.limits.max_output_bytes:
                raise Stop(f"the notebook printed more than {self.limits.max_output_bytes / 2**20:g} MB")

    def execute(self, code: str):
        """Run ``code`` to its end (errors allowed); raise :class:`Stop` on a limit."""
        msg_id = self.client.execute(code, store_history=False, allow_stdin=False, stop_on_error=False)
        while True:
            self._drain()
            self._stopped()
            try:
                reply = self.client.get_shell_msg(timeout=0.1)
            except queue.Empty:
                continue
            self.output_bytes += _output_size(reply)  # (a reply counts too: review 28)
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                self._drain()
                return

    def close(self):
        self.watchdog.cancel()
        with contextlib.suppress(Exception):
            self.client.stop_channels()
        self.box.kill(self.process.pid)
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=30)
        with contextlib.suppress(Exception):
            self.client.context.destroy(linger=0)
        with contextlib.suppress(Exception):  # the event loop jupyter_client made for this thread
            from jupyter_core.utils import ensure_event_loop

            ensure_event_loop().close()


def run(steps: list[Step], source_folder, limits: sb.Limits, name: str, seed: int | None = None,
        before_start=None) -> RunResult:
    """Run ``steps`` in a fresh, limited kernel in a scratch copy of ``source_folder``; ``seed``:
    the hidden probes' (:func:`actlib.exercises._observe.hidden_inputs`), given to the kernel only
    when it observes. ``before_start(folder)`` is called with the scratch copy once it is made and
    before the kernel starts (the grader scans it there: the files the kernel starts with)."""
    start = time.monotonic()
    result = RunResult()
    box = sb.Sandbox(source_folder, limits, name, needs=kernel_needs())
    result.limits = box.describe()
    kernel = None
    try:
        if before_start is not None:
            before_start(box.folder)
        kernel = _Kernel(box, limits, time.monotonic() + limits.wall_seconds)
        result.network_isolated = box.own_namespace(kernel.process.pid, "net")
        result.ipc_isolated = box.own_namespace(kernel.process.pid, "ipc")
        kernel.execute(FOLDER_ON_PATH)
        for step in steps:
            if step.observe is None:
                kernel.execute(step.code)
                continue
            path = box.root / f"observed-{secrets.token_hex(8)}.json"
            kernel.execute(step.observation_code(str(path), seed))
            found = _read_observations(path)
            result.observations.update({label: found[label] for label in step.observe if label in found})
            with contextlib.suppress(OSError):
                path.unlink()
    except Stop as stop:
        result.note = str(stop)
    except (OSError, subprocess.SubprocessError) as err:  # e.g. root without the right to make namespaces
        if kernel is not None:
            raise
        result.note = (f"the kernel could not start ({type(err).__name__}: {err}): as root, the grader needs "
                       "the right to create namespaces (a privileged container); or pass --user '' to run the "
                       "kernels as the grader's own user, without that isolation")
    finally:
        if kernel is not None:
            kernel.close()
        box.close()
        result.seconds = time.monotonic() - start
    return result
