"""The grader's limits (issue 13): a crash, a hang, a memory hog or a fork bomb costs its own
submission only; the kernel works in a scratch copy, without network where the platform allows.

All submissions are graded in one run, two at a time, next to a right answer that must still
pass. What each limit relies on (cgroups, a separate user, a network namespace) needs root:
without it those tests are skipped and ``Sandbox.describe`` says what was used instead.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from actlib.course import grade, sandbox
from tests.test_course_grade import _two_exercise_book
from tests.test_grade_cheats import read_rows

RIGHT = ("def softplus_derivative(x):\n    return 1 / (1 + np.exp(-np.asarray(x, float)))\n\n\n"
         "bounded_below = set(actlib.names()) - {'identity', 'leaky_relu', 'prelu', 'maxout', 'rrelu', "
         "'softshrink', 'hardshrink', 'tanhshrink', 'glu', 'swiglu', 'geglu', 'reglu', 'log_softmax', "
         "'logsigmoid'}")
CHECKS = ['actlib.check("zoo-softplus-derivative", softplus_derivative)',
          'actlib.check("zoo-bounded-below", bounded_below)']
ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="a separate user and a network namespace need root")
MEMORY_CGROUP = pytest.mark.skipif(sandbox._own_cgroup("memory") is None, reason="no writable memory cgroup here")
PIDS_CGROUP = pytest.mark.skipif(sandbox._own_cgroup("pids") is None, reason="no writable pids cgroup here")


def _nb(*sources, answers=RIGHT):
    cells = [new_code_cell("import actlib\nimport numpy as np")] + [new_code_cell(s) for s in sources]
    cells += [new_code_cell(answers)] + [new_code_cell(c, metadata={"tags": ["self-check"]}) for c in CHECKS]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def _listener():
    """A TCP server on the grader's loopback: a kernel with network could reach it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    def accept():
        with contextlib.suppress(OSError):  # (the socket is closed once grading is done: accept() fails)
            for _ in range(10):
                server.accept()

    threading.Thread(target=accept, daemon=True).start()
    return server, server.getsockname()[1]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    server, port = _listener()
    reach = (f"import socket\ntry:\n    socket.create_connection(('127.0.0.1', {port}), timeout=3).close()\n"
             "    reached = True\nexcept OSError:\n    reached = False\n")
    folder = tmp_path_factory.mktemp("limits")
    submissions = {
        "right": _nb(),
        "hang": _nb("import time\ntime.sleep(3600)"),
        "crash": _nb("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"),
        "memory-hog": _nb("hog = np.ones(2**28)  # 2 GiB"),
        "fork-bomb": _nb("import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass"),
        # right only if the kernel reaches the grader's network: with no network, it stays a stub
        "network": _nb(reach, answers=RIGHT.replace("bounded_below = ", "bounded_below = None if not reached else ")),
        "scratch": _nb("open('data.txt', 'w').write('changed')\nimport os\nos.remove('keep.txt')\n"
                       "try:\n    open('/etc/actbook-grade-was-here', 'w')\nexcept OSError:\n    pass"),
    }
    for name, nb in submissions.items():
        (folder / name).mkdir()
        nbformat.write(nb, str(folder / name / "zoo.ipynb"))
    (folder / "scratch" / "data.txt").write_text("original")
    (folder / "scratch" / "keep.txt").write_text("keep")
    out, csv_path = io.StringIO(), folder.parent / "limits.csv"
    with contextlib.redirect_stdout(out):
        book = _two_exercise_book(folder.parent / "book")
        assert grade.main([str(folder), "--book", str(book), "--jobs", "2", "--timeout", "40", "--memory", "1G",
                           "--max-procs", "96", "--csv", str(csv_path)]) == 0
    server.close()
    rows = read_rows(csv_path)
    return rows, out.getvalue(), folder


@pytest.mark.slow
def test_a_right_answer_passes_next_to_the_others(graded):
    rows, out, _ = graded
    assert rows["right"] == ["pass", "pass", "2/2"], out


@pytest.mark.slow
def test_a_hang_costs_its_own_submission(graded):
    rows, out, _ = graded
    assert rows["hang"] == ["not run", "not run", "0/2"] and "hang/zoo.ipynb: the notebook ran longer than 40 s" in out


@pytest.mark.slow
def test_a_crash_costs_its_own_submission(graded):
    rows, out, _ = graded
    assert rows["crash"] == ["not run", "not run", "0/2"] and "crash/zoo.ipynb: the kernel died" in out


@MEMORY_CGROUP
@pytest.mark.slow
def test_the_memory_limit(graded):
    rows, out, _ = graded
    assert rows["memory-hog"] == ["not run", "not run", "0/2"]
    assert "memory-hog/zoo.ipynb: the kernel died (it ran out of memory)" in out


@PIDS_CGROUP
@ROOT_ONLY
@pytest.mark.slow
def test_a_fork_bomb_is_contained(graded):
    rows, out, _ = graded
    assert rows["fork-bomb"] == ["not run", "not run", "0/2"], out
    ps = subprocess.run(["ps", "-eo", "user,args"], capture_output=True, text=True, check=True).stdout
    assert not [line for line in ps.splitlines()  # (the kernels' user ids: sandbox._UID_BASE and up)
                if line.split()[0].isdigit() and int(line.split()[0]) >= 2_100_000_000
                and "ipykernel_launcher" in line and "actbook-grade-" in line]


@ROOT_ONLY
def test_submissions_graded_at_once_cannot_reach_each_other(tmp_path):
    """Review 7 of the instructors' page, finding 1: with --jobs 2 every kernel ran as nobody, and
    one submission wrote a start-up file into another's scratch folder. Each now has its own uid."""
    from actlib.course import sandbox as sb

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = sb.Sandbox(tmp_path / "a", sb.Limits(), "a"), sb.Sandbox(tmp_path / "b", sb.Limits(), "b")
    try:
        assert a.uid != b.uid and a.uid >= sb._UID_BASE and a.gid == b.gid
        assert os.stat(b.root).st_uid == b.uid and os.stat(b.root).st_mode & 0o777 == 0o700
        def as_a(command):  # a shell as submission a's user (Python may lie where that user cannot go)
            return subprocess.run(["/bin/sh", "-c", command], user=a.uid, group=a.gid, extra_groups=[],
                                  capture_output=True, text=True, cwd="/")

        for command in (f"ls {b.root}", f"echo 1 > {b.home}/x.py", f"ls {b.root}/submission"):
            done = as_a(command)
            assert done.returncode != 0 and "ermission denied" in done.stderr, (command, done.stderr)
        own = as_a(f"echo 1 > {a.home}/x.py")
        assert own.returncode == 0, own.stderr  # its own folder it may write
    finally:
        a.close()
        b.close()
    assert a.uid not in sb._UIDS_IN_USE and b.uid not in sb._UIDS_IN_USE


#: A process whose first thread has exited while another sleeps (/proc shows it as a zombie:
#: review 27, finding 2), in the system's Python (the venv's may be under a folder the user cannot enter).
_THREAD_LEFT = ("import ctypes, threading, time\nthreading.Thread(target=time.sleep, args=(300,)).start()\n"
                "ctypes.CDLL(None).syscall(60, 0)  # SYS_exit: ends the calling thread only (x86-64)")


@ROOT_ONLY
@pytest.mark.parametrize("command", [
    ["/bin/sh", "-c", "sleep 300"],
    pytest.param(["/usr/bin/python3", "-c", _THREAD_LEFT], id="first-thread-exited",
                 marks=pytest.mark.skipif(not (os.path.exists("/usr/bin/python3") and os.uname().machine == "x86_64"),
                                          reason="needs /usr/bin/python3 on x86-64")),
])
def test_a_process_left_behind_is_killed_and_its_user_id_never_returns(tmp_path, command):
    """Review 25 of the instructors' pages, finding 6: without cgroups, a process a submission
    started in a session of its own outlived it, and the next submission got the same user id,
    so that process could kill or forge it."""
    import time

    (tmp_path / "a").mkdir()
    a = sandbox.Sandbox(tmp_path / "a", sandbox.Limits(), "a")
    left = subprocess.Popen(command, user=a.uid, group=a.gid, extra_groups=[], start_new_session=True, cwd="/")
    try:
        time.sleep(0.5)
        assert left.pid in sandbox._processes_of(a.uid)
        a.close()  # (no cgroup and no process group of the kernel's: only its user finds it)
        deadline = time.monotonic() + 10
        while left.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert left.poll() is not None, "the process the submission left behind still runs"
        b = sandbox.Sandbox(tmp_path / "a", sandbox.Limits(), "b")
        b.close()
        assert b.uid != a.uid
    finally:
        left.kill()
        left.wait()


@ROOT_ONLY
def test_what_a_submission_leaves_in_the_shared_temporary_folders_is_removed(tmp_path):
    """Review 29, finding 3: 200 MB a kernel wrote to /dev/shm stayed after its submission, as
    memory no cgroup counted any more."""
    (tmp_path / "a").mkdir()
    a = sandbox.Sandbox(tmp_path / "a", sandbox.Limits(), "a")
    left = [Path(shared) / f"actbook-test-{a.uid}" for shared in sandbox.SHARED_TEMP if os.path.isdir(shared)]
    try:
        for path in left:
            done = subprocess.run(["/bin/sh", "-c", f"mkdir {path} && echo x > {path}/f"], user=a.uid, group=a.gid,
                                  extra_groups=[], cwd="/")
            assert done.returncode == 0 and path.exists()
        a.close()
        assert not [p for p in left if p.exists()]
    finally:
        for path in left:
            subprocess.run(["rm", "-rf", str(path)])


@ROOT_ONLY
@pytest.mark.slow
def test_no_network(graded):
    rows, out, _ = graded
    assert rows["network"] == ["pass", "todo", "1/2"], out


@pytest.mark.slow
def test_the_submission_runs_in_a_scratch_copy(graded):
    rows, _, folder = graded
    assert rows["scratch"] == ["pass", "pass", "2/2"]
    assert (folder / "scratch" / "data.txt").read_text() == "original"
    assert (folder / "scratch" / "keep.txt").exists()
    assert not Path("/etc/actbook-grade-was-here").exists()


def test_parse_size_and_describe(tmp_path):
    assert sandbox.parse_size("4G") == 4 << 30 and sandbox.parse_size("512m") == 512 << 20
    assert sandbox.parse_size("1000") == 1000
    with pytest.raises(ValueError, match="expected a size"):
        sandbox.parse_size("lots")
    (tmp_path / "a.ipynb").write_text("{}")
    box = sandbox.Sandbox(tmp_path / "a.ipynb", sandbox.Limits(), "a")
    try:
        assert (box.folder / "a.ipynb").exists() and "memory:" in box.describe()
    finally:
        box.close()
    assert not box.root.exists()


def test_a_kernel_that_cannot_start_costs_its_submission_not_the_run(tmp_path, monkeypatch):
    """Review 7 of the instructors' page, finding 4: as root without the right to create
    namespaces, the kernel's start raised in preexec_fn and the whole grading aborted."""
    from actlib.course import runner
    from actlib.course import sandbox as sb

    def refused(self):
        raise OSError(1, "unshare(CLONE_NEWNS) failed")

    monkeypatch.setattr(sb.Sandbox, "preexec", refused)
    (tmp_path / "sub").mkdir()
    result = runner.run([], tmp_path / "sub", sb.Limits(wall_seconds=60), name="sub")
    assert "the kernel could not start" in result.note and "--user ''" in result.note


def test_a_notebook_larger_than_the_grader_reads_is_not_run(tmp_path):
    """Review 10 of the instructors' pages, finding 6: the grader's own process read a 114 MB
    notebook whole (and a named pipe would block it), before any limit applied."""
    from actlib.course import notebooks as nbs
    from actlib.course import plan
    from tests.test_course_grade import LABELS, ROOT

    book = plan.book_answers(_two_exercise_book(tmp_path / "book"))
    (tmp_path / "big").mkdir()
    path = tmp_path / "big" / "zoo.ipynb"
    nbformat.write(_nb("x = 1\n" * 200_000), str(path))
    limits = grade.limits_of(grade._parser().parse_args([str(tmp_path), "--max-notebook", "1M"]))
    assert limits.max_notebook_bytes == 1 << 20 < path.stat().st_size
    result = grade.grade_notebook(path, book, limits)  # (refused before any kernel starts)
    assert result.chapter == "zoo" and result.status == {label: "not run" for label in LABELS}
    assert result.note.endswith("more than the grader reads (1 MB, --max-notebook); it was not run"), result.note
    assert grade.read_submission(path, 8 << 20).cells[1].source.startswith("x = 1")  # under the cap: read
    os.mkfifo(tmp_path / "big" / "pipe.ipynb")
    result = grade.grade_notebook(tmp_path / "big" / "pipe.ipynb", book, limits)
    assert result.note == "cannot read the notebook: not a regular file"
    # a link is not followed (review 25, finding 8: the grader, as root, read and quoted its target)
    secret = tmp_path / "secret.txt"
    secret.write_text("secret-token-ABCDEFGHIJ\n")
    (tmp_path / "big" / "link.ipynb").symlink_to(secret)
    result = grade.grade_notebook(tmp_path / "big" / "link.ipynb", book, limits)
    assert result.note == ("cannot read the notebook: a symbolic link, which the grader does not follow: hand in "
                           "the notebook itself"), result.note
    # what is not a notebook is named, not quoted
    (tmp_path / "big" / "text.ipynb").write_text("secret-token-ABCDEFGHIJ\n")
    result = grade.grade_notebook(tmp_path / "big" / "text.ipynb", book, limits)
    assert "secret" not in result.note and result.note.startswith("cannot read the notebook: NotJSONError"), result.note
    # the default holds the book's own chapters, outputs and all, several times over
    default = grade.limits_of(grade._parser().parse_args([str(tmp_path)])).max_notebook_bytes
    assert default == sandbox.Limits().max_notebook_bytes == 32 << 20
    assert 4 * max(p.stat().st_size for p in nbs.chapter_notebooks(ROOT / "chapters")) < default


def test_a_kernel_that_publishes_without_end_stops_at_the_time_limit():
    """Review 27, finding 1: the runner read the kernel's messages until none was left, so a
    kernel that published faster (clear_output on its own socket) kept it past the time limit;
    and only five message types counted towards --max-output."""
    import queue
    import time
    from types import SimpleNamespace

    from actlib.course import runner

    class Flood:  # (for 3 s, so that a runner that does not stop it returns instead of hanging)
        def __init__(self):
            self.until = time.monotonic() + 3

        def get_iopub_msg(self, timeout=0):
            if time.monotonic() > self.until:
                raise queue.Empty
            return {"msg_type": "clear_output", "content": {"wait": False}}

    kernel = object.__new__(runner._Kernel)
    kernel.client, kernel.output_bytes = Flood(), 0
    kernel.process = SimpleNamespace(poll=lambda: None, returncode=None)
    kernel.box = SimpleNamespace(tasks_exceeded=lambda: False, memory_exceeded=lambda: False)
    kernel.limits = sandbox.Limits(wall_seconds=1, max_output_bytes=1 << 40)
    kernel.deadline = time.monotonic() + 1
    start = time.monotonic()
    with pytest.raises(runner.Stop, match="ran longer than 1 s"):
        kernel._drain()
    assert time.monotonic() - start < 5
    kernel.limits = sandbox.Limits(wall_seconds=60, max_output_bytes=1 << 20)
    kernel.client, kernel.deadline, kernel.output_bytes = Flood(), time.monotonic() + 60, 0
    with pytest.raises(runner.Stop, match="printed more than 1 MB"):
        kernel._drain()


@pytest.mark.slow
def test_a_real_kernel_that_floods_its_channel_stops_at_the_time_limit(tmp_path):
    """The same with a real kernel: a cell that sends clear_output without end (a few bytes each,
    far under --max-output in the time) is stopped at the time limit, not after it."""
    import time

    from actlib.course import runner
    from actlib.course.plan import Step

    flood = "from IPython.display import clear_output\nwhile True:\n    clear_output()"
    (tmp_path / "a").mkdir()
    start = time.monotonic()
    result = runner.run([Step(flood)], tmp_path / "a", sandbox.Limits(wall_seconds=8), name="a")
    elapsed = time.monotonic() - start
    assert result.note.startswith("the notebook ran longer than 8 s"), result.note
    assert elapsed < 8 + 20, f"stopped {elapsed:.0f} s after it began, for a time limit of 8 s"


def test_a_messages_binary_buffers_count_towards_the_output_limit():
    """Review 28, finding 2: only a message's content counted, not its binary buffers."""
    from actlib.course import runner

    msg = {"content": {"data": {}}, "buffers": [b"x" * 1000, memoryview(b"y" * 500)]}
    assert runner._output_size(msg) == len('{"data": {}}') + 1500


def test_a_kernel_that_does_not_start_in_time_is_stopped(tmp_path, monkeypatch):
    """Review 29, finding 1: a Stop raised while the kernel started left it running (run() closes
    only a kernel it has), and the watchdog killed nothing without a cgroup or a user of its own."""
    import time

    from actlib.course import runner

    def never_ready(self, until):
        raise runner.Stop("the kernel did not start")

    monkeypatch.setattr(runner._Kernel, "_wait_for_ready", never_ready)
    monkeypatch.setattr(sandbox, "_own_cgroup", lambda controller: None)  # (as on a host without cgroup v1)
    started = []
    real_popen = runner.subprocess.Popen

    def popen(*args, **kwargs):
        started.append(real_popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(runner.subprocess, "Popen", popen)
    (tmp_path / "a").mkdir()
    result = runner.run([], tmp_path / "a", sandbox.Limits(user=None, wall_seconds=30), name="a")
    assert result.note == "the kernel did not start"
    deadline = time.monotonic() + 10
    while started[0].poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert started[0].poll() is not None, "the kernel still runs"


@ROOT_ONLY
def test_system_v_shared_memory_ends_with_the_submission(tmp_path):
    """Review 30, finding 1: a 200 MB System V segment a kernel left behind outlived its
    submission, as memory no cgroup counted."""
    from actlib.course import runner
    from actlib.course.plan import Step

    key = 0x5E31
    shared = Path(tempfile.mkdtemp(prefix="actbook-test-ipc-"))  # (pytest's folders are root's only)
    shared.chmod(0o777)  # (the kernel's own user writes its namespace's name there)
    namespace = shared / "namespace"
    make = (f"import ctypes, os\nlibc = ctypes.CDLL(None)\nshmid = libc.shmget({key}, 1 << 20, 0o1000 | 0o600)\n"
            f"assert shmid >= 0\nopen({str(namespace)!r}, 'w').write(os.readlink('/proc/self/ns/ipc'))")
    (tmp_path / "a").mkdir()
    result = runner.run([Step(make)], tmp_path / "a", sandbox.Limits(wall_seconds=60), name="a")
    assert result.note == "", result.note
    assert result.ipc_isolated, "the kernel shared the grader's System V IPC namespace"
    with open("/proc/sysvipc/shm") as f:
        keys = [int(line.split()[0]) for line in f.readlines()[1:]]
    assert key not in keys, "the kernel's shared memory segment outlived it"
    # and the namespace, with the segment in it, is gone: no process is left in it (review 31's note)
    kernels_namespace = namespace.read_text()
    shutil.rmtree(shared)
    assert kernels_namespace != os.readlink("/proc/self/ns/ipc")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            assert os.readlink(f"/proc/{pid}/ns/ipc") != kernels_namespace, f"process {pid} is still in it"


@ROOT_ONLY
def test_a_shared_system_v_ipc_namespace_is_reported(tmp_path, monkeypatch):
    """Review 31: without the right to create namespaces, the kernel's System V IPC is the
    machine's, and the limits line must say so (simulated: ``unshare(0)`` changes nothing)."""
    from actlib.course import plan

    book = plan.book_answers(_two_exercise_book(tmp_path / "book"))
    (tmp_path / "a").mkdir()
    nbformat.write(_nb(), str(tmp_path / "a" / "zoo.ipynb"))
    own = grade.grade_notebook(tmp_path / "a" / "zoo.ipynb", book, sandbox.Limits(wall_seconds=60))
    assert own.limits.endswith("; System V IPC: own (ends with the kernel)"), own.limits
    monkeypatch.setattr(sandbox, "_CLONE_NEWIPC", 0)
    shared = grade.grade_notebook(tmp_path / "a" / "zoo.ipynb", book, sandbox.Limits(wall_seconds=60))
    assert shared.limits.endswith("; System V IPC: the machine's (what it leaves stays)"), shared.limits
    # review 32: a kernel that did not start measured nothing, and the line must not say "NOT cut off"
    unstarted = grade.grade_notebook(tmp_path / "a" / "zoo.ipynb", book, sandbox.Limits(wall_seconds=0.3))
    assert "longer than 0.3 s" in unstarted.note, unstarted.note
    assert unstarted.limits.endswith("; network and System V IPC: not measured (the kernel did not start)"), \
        unstarted.limits
