"""One check, three ways to run it: in the notebook, observing in a kernel, judging in the grader.

A check (``@exercise``) touches the reader's answer only through :func:`call_answer` (call
the answer's function on the check's inputs) and :func:`probe` (run a describing function on
the answer, e.g. a model's predictions on the check's images). Everything else it does is
the book's own code. So the same check runs in three modes:

* **direct** (``actlib.check`` in a notebook): calls and probes run on the answer itself;
* **record** (:func:`observe`, in the submission's kernel): the check runs, and the result of
  every call and probe is kept as plain data (:mod:`actlib.exercises._wire`) along with the
  answer's own value; the check's verdict there is ignored;
* **replay** (:func:`judge`, in the grader's trusted process): the book's check runs again on
  that data; each call or probe returns what was observed for exactly these inputs, and a
  call the observation lacks ends the check with :class:`NotObserved`. The submission's code
  never runs here.

**Hidden probes.** Under the grader, a check that builds its inputs with :func:`hidden_inputs`
also tries the answer on inputs the notebook's self-check never shows: drawn from a seed that
the grader chooses for each run, records in its report, and hands to the kernel only when it
observes (after the submission's own cells ran). Recording and replaying with the same seed
draw the same inputs. An answer written for the self-check's inputs alone fails there.
"""

from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass, field

from . import _wire

FORMAT = "actbook-observation-1"
_MODE: contextvars.ContextVar[_Session | None] = contextvars.ContextVar("actbook_check_mode", default=None)


class NotObserved(Exception):
    """The grader has no observation of what the check asks (the submission did not provide it)."""


@dataclass
class _Session:
    replay: bool
    records: dict = field(default_factory=dict)
    handles: list = field(default_factory=list)
    seed: int | None = None  # the hidden probes' seed (None: no hidden probes)


def hidden_inputs(fixed, draw):
    """A check's inputs: ``fixed`` (a NumPy array) in the notebook; under the grader (with a
    seed), ``fixed`` followed by ``draw(rng)``, inputs drawn from the run's seed and put
    together with ``fixed`` along the first axis.

    ``draw`` takes a :class:`numpy.random.Generator` and returns an array shaped like ``fixed``
    but for its first axis.
    """
    import numpy as np

    session = _MODE.get()
    fixed = np.asarray(fixed)
    if session is None or session.seed is None:
        return fixed
    extra = np.asarray(draw(np.random.default_rng(session.seed)), dtype=fixed.dtype)
    if extra.shape[1:] != fixed.shape[1:]:
        raise ValueError(f"hidden inputs of shape {extra.shape} do not continue inputs of shape {fixed.shape}")
    return np.concatenate([fixed, extra])


@contextlib.contextmanager
def _mode(session: _Session | None):
    token = _MODE.set(session)
    try:
        yield
    finally:
        _MODE.reset(token)


def _capture(session: _Session, function, *args, **kwargs) -> dict:
    """Run ``function`` in direct mode; its result or the exception it raised, as data."""
    from ._core import IncorrectAnswer, NotAnswered

    try:
        with _mode(None):
            value = function(*args, **kwargs)
        return {"value": _wire.encode(value, session.handles)}
    except NotImplementedError:
        return {"raise": "NotImplementedError", "message": ""}
    except NotAnswered as err:
        return {"raise": "NotAnswered", "message": str(err)}
    except IncorrectAnswer as err:
        return {"raise": "IncorrectAnswer", "message": str(err)}
    except Exception as err:  # the answer's own error: the check decides what it means
        return {"raise": "error", "type": type(err).__name__, "message": str(err)}


def _release(session: _Session, record: dict):
    """What a call or probe returns (or raises), rebuilt from its record."""
    from ._core import IncorrectAnswer, NotAnswered

    if not isinstance(record, dict):
        raise NotObserved("a malformed observation")
    kind = record.get("raise")
    message = str(record.get("message", ""))
    if kind is None:
        try:
            return _wire.decode(record.get("value"), session.handles)
        except _wire.WireError as err:
            raise NotObserved(f"a malformed observation: {err}") from None
    if kind == "NotImplementedError":
        raise NotImplementedError
    if kind == "NotAnswered":
        raise NotAnswered(message)
    if kind == "IncorrectAnswer":
        raise IncorrectAnswer(message)
    name = str(record.get("type", "Exception"))
    raise type(name if name.isidentifier() else "Exception", (Exception,), {})(message)


def _through_session(key: str, what: str, run):
    session = _MODE.get()
    if session.replay:
        if key not in session.records:
            raise NotObserved(f"{what}: the submission's kernel did not report it")
        return _release(session, session.records[key])
    session.records[key] = _capture(session, run)
    return _release(session, session.records[key])


def call(function, args: tuple, kwargs: dict, what: str):
    """Call the answer's ``function`` (or replay the observed call); see ``call_answer``."""
    from ._core import _call_direct

    if _MODE.get() is None or not isinstance(function, _wire.Handle):
        return _call_direct(function, args, kwargs, what)
    key = "call:" + _wire.digest(what, list(args), kwargs)
    return _through_session(key, what, lambda: _call_direct(_wire.real(function), args, kwargs, what))


def probe(answer, name: str, describe, *args):
    """``describe(answer, *args)``, plain data about the answer, observed where the answer lives.

    ``describe`` is the book's code; it runs in direct mode on the real answer, in the
    notebook or in the submission's kernel. ``name`` and ``args`` identify the observation:
    two probes of one check must differ in one of them.
    """
    if _MODE.get() is None:
        return describe(answer, *args)
    key = "probe:" + _wire.digest(name, list(args))
    return _through_session(key, name, lambda: describe(_wire.real(answer), *args))


def observe(label: str, answer, seed: int | None = None) -> dict:
    """What the grader needs to judge ``answer`` to exercise ``label``, as JSON-compatible data.

    Runs in the submission's kernel: the answer's value and, for every call and probe the
    check makes, the result the answer produced; with ``seed``, on the hidden probes' inputs too.
    """
    from ._core import _REGISTRY

    session = _Session(replay=False, seed=seed)
    encoded = _wire.encode(answer, session.handles)
    if label in _REGISTRY and answer is not None and answer is not Ellipsis:
        with _mode(session), contextlib.suppress(Exception):
            _REGISTRY[label].checker(_wire.decode(encoded, session.handles))
    return {"format": FORMAT, "label": label, "answer": encoded, "records": session.records}


def judge(label: str, observation, seed: int | None = None) -> tuple[str, str]:
    """The verdict on an observation: ``(status, message)``, status pass/wrong/todo/error.

    Runs in the grader, with the book's own checks; the message is the one ``actlib.check``
    would give for the same answer, except where a check asks ``_MODE`` whether it runs
    under the grader: ``keras-cnn-99`` measures the test set only there, and its message
    gives the test accuracy, where the student's notebook reports the validation split.
    ``seed``: the hidden probes' seed the observation was made with.
    """
    from ._core import _REGISTRY, IncorrectAnswer, NotAnswered, verdict

    if label not in _REGISTRY:
        return "error", f"no exercise {label!r} in actlib.exercises"
    if isinstance(observation, dict) and observation.get("label") == label and "missing" in observation:
        return "error", str(observation["missing"])[:500]
    if not isinstance(observation, dict) or observation.get("format") != FORMAT \
            or observation.get("label") != label or not isinstance(observation.get("records"), dict):
        return "error", "the submission's kernel did not report this answer"
    session = _Session(replay=True, records=observation["records"], seed=seed)
    try:
        answer = _wire.decode(observation.get("answer"))
        with _mode(session):
            return "pass", verdict(label, answer)
    except NotAnswered as err:
        return "todo", str(err)
    except IncorrectAnswer as err:
        return "wrong", str(err)
    except NotObserved as err:
        return "error", f"not observed: {err}"
    except _wire.WireError as err:
        return "error", f"the answer could not be read: {err}"
    except Exception as err:  # the book's check failed on strange data: never a pass
        return "error", f"{type(err).__name__}: {err}"


def emit(path: str, answers: dict, seed: int | None = None) -> None:
    """Observe each answer (``{label: a function returning the answer}``) and write them to ``path``;
    ``seed``: the hidden probes' (:func:`hidden_inputs`).

    The grader's observation step, run in the submission's kernel where its self-check was.
    An answer that cannot be evaluated (a ``NameError``: never defined) is reported as such.
    """
    observed = {}
    for label, get_answer in answers.items():
        try:
            answer = get_answer()
        except Exception as err:
            observed[label] = {"format": FORMAT, "label": label, "missing": f"{type(err).__name__}: {err}"}
            continue
        try:
            observed[label] = observe(label, answer, seed)
        except Exception as err:  # e.g. an answer the wire format cannot carry
            observed[label] = {"format": FORMAT, "label": label, "missing": f"{type(err).__name__}: {err}"}
    with open(path, "w", encoding="utf-8") as f:
        f.write(_wire.dumps(observed))
