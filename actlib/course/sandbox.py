"""Limits for running one untrusted submission: a scratch folder, memory, processes, network, user.

:class:`Limits` says what a submission may use; :class:`Sandbox` applies it to one kernel
process (``preexec`` runs in the child between ``fork`` and ``exec``) and cleans up after it.
What is enforced depends on the platform, and :meth:`Sandbox.describe` says what was:

* **memory**: a cgroup v1 ``memory`` group (resident memory, the kernel and all its
  children) where the grader may create one (as root), else ``RLIMIT_AS`` on the kernel
  process (address space: generous, since TensorFlow reserves far more than it uses);
* **processes**: a cgroup ``pids`` group (``pids.max``, threads included), else, as root,
  ``RLIMIT_NPROC`` on the kernel's own user id; else none (that rlimit counts *all* processes of
  the user, so it only isolates a submission when the kernel runs as a user of its own, and
  root ignores it entirely);
* **user**: as root, the kernel drops to an unprivileged user id of its own, one per submission,
  never used twice in a run (:func:`_submission_uid`, with the group of ``nobody``), so it cannot
  leave its cgroups, raise its limits, touch the grader's files, or enter, change or signal another
  submission's scratch folder and kernel (graded beside it with ``--jobs``, or after it); when the
  submission ends, every process of that user is killed (:func:`_kill_user`); otherwise it runs
  as you;
* **files**: the kernel works in a scratch copy of the submission's folder, with its own home.
  When it runs as another user and a folder it needs (the Python installation, the MNIST
  cache) lies in a directory that user may not enter (such as ``/root``), that directory is
  replaced, in a private mount namespace, by an empty one holding read-only views of just
  those folders;
* **network**: as root (or where unprivileged user namespaces exist, via ``unshare``), the
  kernel gets a new, empty network namespace: no interface but a loopback that is down. The
  kernel talks to the grader over Unix sockets in its scratch folder, which need no network;
* **CPU**: with several jobs, each submission gets its share of the cores (a cgroup ``cpu``
  quota, where a writable cgroup v1 ``cpu`` exists; else none), so that a busy loop or a fork
  bomb slows only its own submission;
* **wall time** and **output** are enforced by the runner, which kills the whole group.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pwd
import resource
import shutil
import signal
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

_CGROUP_ROOT = Path("/sys/fs/cgroup")
_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNS = 0x00020000
_CLONE_NEWIPC = 0x08000000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_REMOUNT, _MS_BIND, _MS_REC, _MS_PRIVATE = 1, 2, 4, 32, 4096, 16384, 1 << 18
_MNT_DETACH = 2
#: The user ids the kernels run as (as root): one of these per submission graded at the time. High,
#: so that no account of the machine has one (they need no entry in /etc/passwd).
_UID_BASE, _UID_COUNT = 2_100_000_000, 100_000
_UIDS_IN_USE: set[int] = set()
_UIDS_USED: set[int] = set()  # (every id this grader handed out: none is used twice, review 25)
_UIDS_LOCK = threading.Lock()


def _submission_uid() -> int:
    """A user id that no other sandbox of this grader has had, in this run or live."""
    with _UIDS_LOCK:
        start = (os.getpid() * 7919) % _UID_COUNT  # (two graders at once start far apart)
        for k in range(_UID_COUNT):
            uid = _UID_BASE + (start + k) % _UID_COUNT
            if uid not in _UIDS_IN_USE and uid not in _UIDS_USED:
                _UIDS_IN_USE.add(uid)
                _UIDS_USED.add(uid)
                return uid
    raise RuntimeError("no free user id for a submission")


def _release_uid(uid: int | None) -> None:
    with _UIDS_LOCK:
        _UIDS_IN_USE.discard(uid)


@dataclass(frozen=True)
class Limits:
    """What one submission may use."""

    wall_seconds: float = 600.0   # per notebook, kernel start to last observation
    memory_bytes: int = 4 << 30   # resident memory of the kernel and its children
    max_tasks: int = 512          # processes and threads (TensorFlow starts dozens of threads)
    max_output_bytes: int = 20 << 20  # everything the notebook prints; more stops the submission
    max_notebook_bytes: int = 32 << 20  # the notebook file, which the grader's own process reads whole
    network: bool = False
    user: str | None = "nobody"   # used only when the grader runs as root
    cpus: float | None = None     # CPU time per second of wall time (None: no limit)


def _processes_of(uid: int) -> list[int]:
    """The live processes whose real user id is ``uid`` (from /proc; not zombies, which are dead
    and wait only for their parent to read their status, unless a thread of theirs still runs:
    a process whose first thread has exited shows as a zombie, review 27)."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                with open(f"/proc/{entry.name}/status", encoding="ascii", errors="replace") as f:
                    fields = dict(line.split(":", 1) for line in f if ":" in line)
                dead = fields["State"].strip().startswith("Z") and int(fields.get("Threads", "1")) <= 1
                if int(fields["Uid"].split()[0]) == uid and not dead:
                    found.append(int(entry.name))
    return found


def _kill_user(uid: int, gid: int) -> None:
    """SIGKILL every process of ``uid`` (the grader runs as root): a short-lived process takes the
    user id and calls ``kill(-1)``, which reaches, at once, every process that user may signal
    (one that forks included) but the caller. Without a cgroup, this ends what a submission
    started outside its process group, which could otherwise outlive it (review 25)."""
    for attempt in range(10):
        if attempt and not _processes_of(uid):  # (the first kill is sent whatever /proc shows)
            return
        pid = os.fork()  # (not a new program: the user may not be able to read this Python's folder)
        if pid == 0:
            try:
                os.setgroups([])
                os.setgid(gid)
                os.setuid(uid)
                os.kill(-1, signal.SIGKILL)
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        time.sleep(0.05)


#: The folders every user may write to, where a kernel's files would outlive it (review 29: 200 MB
#: in /dev/shm stayed, as memory no cgroup counts any more).
SHARED_TEMP = ("/tmp", "/var/tmp", "/dev/shm")


def _remove_files_of(uid: int) -> None:
    """Delete what ``uid`` owns at the top of :data:`SHARED_TEMP` (files, links, whole folders)."""
    for shared in SHARED_TEMP:
        with contextlib.suppress(OSError):
            for entry in os.scandir(shared):
                with contextlib.suppress(OSError):
                    if entry.stat(follow_symlinks=False).st_uid != uid:
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        shutil.rmtree(entry.path, ignore_errors=True)
                    else:
                        os.unlink(entry.path)


def parse_size(text: str) -> int:
    """``"4G"``, ``"512M"``, ``"1000000"`` in bytes."""
    text = text.strip().upper().removesuffix("B")
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:], 1)
    number = text[:-1] if text[-1:] in "KMG" else text
    try:
        return int(float(number) * scale)
    except ValueError:
        raise ValueError(f"expected a size such as 4G or 512M; got {text!r}") from None


def _own_cgroup(controller: str) -> Path | None:
    """This process's cgroup v1 directory for ``controller``, if it exists and we may write in it."""
    try:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            if controller in controllers.split(","):
                directory = _CGROUP_ROOT / controller / path.lstrip("/")
                return directory if directory.is_dir() and os.access(directory, os.W_OK) else None
    except OSError:
        return None
    return None


def _copy_font_cache(target: Path):
    """Matplotlib's font list, so that each kernel need not rebuild it (seconds per submission)."""
    with contextlib.suppress(Exception):
        import matplotlib

        for cached in Path(matplotlib.get_cachedir()).glob("fontlist-*.json"):
            shutil.copy2(cached, target / cached.name)


def _hidden_needs(needs: list[Path]) -> list[tuple[Path, list[Path]]]:
    """For each needed folder behind a directory others may not enter: that directory, and the folders."""
    hidden: dict[Path, list[Path]] = {}
    for need in needs:
        need = Path(need).resolve()
        if not need.exists():
            continue
        for ancestor in reversed(need.parents):
            if ancestor != Path("/") and not os.stat(ancestor).st_mode & 0o001:
                hidden.setdefault(ancestor, []).append(need)
                break
    return [(h, sorted(set(p), key=lambda x: len(x.parts))) for h, p in hidden.items()]


def _not_copied(folder, names) -> set[str]:
    """What the scratch copy leaves out: checkpoints, and anything that is neither a folder, a
    regular file nor a symbolic link (a named pipe would block the copy forever)."""
    skipped = {".ipynb_checkpoints"}
    for name in names:
        path = os.path.join(folder, name)
        if not (os.path.islink(path) or os.path.isdir(path) or os.path.isfile(path)):
            skipped.add(name)
    return skipped


class Sandbox:
    """The scratch folder, cgroups and user of one submission's kernel.

    ``source_folder`` is copied into the scratch folder (a single file is copied alone).
    ``needs``: folders the kernel must read (the Python installation, data caches).
    """

    def __init__(self, source_folder: Path, limits: Limits, name: str, needs: list[Path] | None = None):
        self.limits = limits
        self.root = Path(tempfile.mkdtemp(prefix="actbook-grade-"))
        self.folder = self.root / "submission"
        source = Path(source_folder)
        if source.is_dir():
            shutil.copytree(source, self.folder, symlinks=True, ignore=_not_copied)
        else:  # a notebook handed in without a folder of its own: copy it alone
            self.folder.mkdir()
            shutil.copy2(source, self.folder / source.name)
        self.home = self.root / "home"
        (self.home / ".matplotlib").mkdir(parents=True)
        _copy_font_cache(self.home / ".matplotlib")
        self.uid = self.gid = None
        if os.geteuid() == 0 and limits.user:
            entry = pwd.getpwnam(limits.user)  # its group; the user id is the submission's own
            self.uid, self.gid = _submission_uid(), entry.pw_gid
            for path in (self.root, *self.root.rglob("*")):
                os.lchown(path, self.uid, self.gid)
            os.chmod(self.root, 0o700)  # (mkdtemp's mode: no other submission may enter)
        self.exposed = []  # (a directory the user may not enter, [folders inside it to show read-only])
        if self.uid is not None:
            self.exposed = _hidden_needs(needs or [])
            for i in range(sum(len(paths) for _, paths in self.exposed)):
                (self.root / ".expose" / str(i)).mkdir(parents=True)
        self.cgroups = {}
        safe = "".join(c if c.isalnum() else "-" for c in name)[-40:]
        for controller in ("memory", "pids", "cpu"):
            if controller == "cpu" and not limits.cpus:
                continue
            parent = _own_cgroup(controller)
            if parent is None:
                continue
            group = parent / f"actbook-{os.getpid()}-{safe}-{id(self):x}"
            try:
                group.mkdir()
                if controller == "memory":
                    (group / "memory.limit_in_bytes").write_text(str(limits.memory_bytes))
                    with contextlib.suppress(OSError):  # no swap either
                        (group / "memory.memsw.limit_in_bytes").write_text(str(limits.memory_bytes))
                elif controller == "pids":
                    (group / "pids.max").write_text(str(limits.max_tasks))
                else:
                    period = int((group / "cpu.cfs_period_us").read_text())
                    (group / "cpu.cfs_quota_us").write_text(str(int(period * limits.cpus)))
                self.cgroups[controller] = group
            except OSError:
                with contextlib.suppress(OSError):
                    group.rmdir()

    @staticmethod
    def own_namespace(pid: int, kind: str) -> bool | None:
        """Whether process ``pid`` lives in another namespace of ``kind`` (``"net"``, ``"ipc"``)
        than the grader; None where that cannot be read (the process has ended: review 33)."""
        try:
            return os.readlink(f"/proc/{pid}/ns/{kind}") != os.readlink(f"/proc/self/ns/{kind}")
        except OSError:
            return None

    def env(self, base: dict[str, str]) -> dict[str, str]:
        """The kernel's environment: the grader's, with a private home and caches in the scratch folder."""
        env = dict(base)
        home = str(self.home)
        env.update(HOME=home, IPYTHONDIR=f"{home}/.ipython", MPLCONFIGDIR=f"{home}/.matplotlib",
                   JUPYTER_RUNTIME_DIR=f"{home}/.jupyter", KERAS_HOME=f"{home}/.keras",
                   XDG_CACHE_HOME=f"{home}/.cache", TMPDIR=str(self.root))
        if self.uid is not None:  # (its user id has no account: getpass.getuser() reads these first)
            env.update(USER="actbook-submission", LOGNAME="actbook-submission")
        return env

    def preexec(self):
        """Runs in the kernel's process before ``exec``: join the cgroups, set rlimits, drop privileges."""
        pid = str(os.getpid())
        libc = ctypes.CDLL(None, use_errno=True)
        for group in self.cgroups.values():
            (group / "cgroup.procs").write_text(pid)
        if "memory" not in self.cgroups:
            resource.setrlimit(resource.RLIMIT_AS, (self.limits.memory_bytes, self.limits.memory_bytes))
        if "pids" not in self.cgroups and self.uid is not None:
            resource.setrlimit(resource.RLIMIT_NPROC, (self.limits.max_tasks, self.limits.max_tasks))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if os.geteuid() == 0:
            # a System V IPC namespace of its own: its shared memory, semaphores and queues go with
            # its last process, instead of outliving the submission uncounted (review 30). Without
            # the right to create namespaces this fails, and the limits line says so (review 31).
            libc.unshare(_CLONE_NEWIPC)
        if not self.limits.network:
            # as root, a new network namespace; otherwise inside a new user namespace, where the
            # platform allows it. If neither works the kernel keeps the network (see own_namespace).
            libc.unshare(_CLONE_NEWNET if os.geteuid() == 0 else _CLONE_NEWUSER | _CLONE_NEWNET)
        if self.exposed:
            self._expose(libc)
        if self.uid is not None:
            os.setgroups([])
            os.setgid(self.gid)
            os.setuid(self.uid)

    def _expose(self, libc):
        """In a private mount namespace, show only the needed folders of each hidden directory."""
        def check(result, what):
            if result != 0:
                raise OSError(ctypes.get_errno(), f"{what} failed")

        check(libc.unshare(_CLONE_NEWNS), "unshare(CLONE_NEWNS)")
        check(libc.mount(b"none", b"/", None, _MS_REC | _MS_PRIVATE, None), "making mounts private")
        i = 0
        for hidden, paths in self.exposed:
            stashes = []
            for path in paths:
                stash = str(self.root / ".expose" / str(i)).encode()
                check(libc.mount(str(path).encode(), stash, None, _MS_BIND | _MS_REC, None), f"binding {path}")
                stashes.append(stash)
                i += 1
            check(libc.mount(b"tmpfs", str(hidden).encode(), b"tmpfs", _MS_NOSUID | _MS_NODEV, b"mode=755,size=64k"),
                  f"hiding {hidden}")
            for path, stash in zip(paths, stashes, strict=True):
                os.makedirs(path, mode=0o755, exist_ok=True)
                target = str(path).encode()
                check(libc.mount(stash, target, None, _MS_BIND | _MS_REC, None), f"showing {path}")
                check(libc.mount(None, target, None, _MS_BIND | _MS_REMOUNT | _MS_RDONLY, None), f"read-only {path}")
                libc.umount2(stash, _MNT_DETACH)

    def describe(self) -> str:
        memory = "cgroup memory" if "memory" in self.cgroups else "RLIMIT_AS"
        tasks = ("cgroup pids" if "pids" in self.cgroups else
                 "RLIMIT_NPROC" if self.uid is not None else "none (no cgroup, not root)")
        # (not the number: one line for the whole run, not one per submission, review 27)
        user = "a user id of its own" if self.uid is not None else "the grader's user"
        cpu = f"; cpu: {self.limits.cpus:g} (cgroup cpu)" if "cpu" in self.cgroups else ""
        return f"memory: {memory}; processes: {tasks}; user: {user}{cpu}"

    def tasks(self) -> list[int]:
        """The processes and threads in this submission's pids cgroup (empty without one)."""
        group = self.cgroups.get("pids")
        if group is None:
            return []
        with contextlib.suppress(OSError):
            return [int(p) for p in (group / "cgroup.procs").read_text().split()]
        return []

    def memory_exceeded(self) -> bool:
        """Whether the submission hit its memory limit (cgroup counters; False without a cgroup)."""
        group = self.cgroups.get("memory")
        if group is None:
            return False
        for name in ("memory.failcnt", "memory.memsw.failcnt"):
            with contextlib.suppress(OSError, ValueError):
                if int((group / name).read_text()) > 0:
                    return True
        with contextlib.suppress(OSError, ValueError):
            stats = dict(line.split() for line in (group / "memory.oom_control").read_text().splitlines())
            return int(stats.get("oom_kill", 0)) > 0
        return False

    def tasks_exceeded(self) -> bool:
        group = self.cgroups.get("pids")
        with contextlib.suppress(OSError, ValueError):
            return group is not None and int((group / "pids.events").read_text().split()[-1]) > 0
        return False

    def kill(self, process_group: int | None = None):
        """SIGKILL every process of the submission (its cgroup; its process group; and, where it
        runs as a user of its own, every process of that user)."""
        if process_group is not None:
            with contextlib.suppress(OSError):
                os.killpg(process_group, signal.SIGKILL)
        if self.uid is not None:
            _kill_user(self.uid, self.gid)
        for _ in range(100):  # a fork bomb keeps forking while we kill: repeat until empty
            pids = self.tasks()
            if not pids:
                break
            for pid in pids:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.05)

    def close(self):
        """Kill what is left, remove the cgroups, the scratch folder and what the submission's own
        user left in the machine's shared temporary folders."""
        self.kill()
        if self.uid is not None:
            _remove_files_of(self.uid)
        for group in self.cgroups.values():
            for _ in range(50):
                try:
                    group.rmdir()
                    break
                except OSError:
                    time.sleep(0.1)
        shutil.rmtree(self.root, ignore_errors=True)
        _release_uid(self.uid)
