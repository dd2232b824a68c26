"""Self-checks for the book's exercises: ``actlib.check(label, answer)``.

Each chapter registers its checks in a module of this package named after
the chapter (``zoo.py``, ``perceptron.py``, ...); every module here is
imported on first use, so adding a file is all it takes.
"""

import importlib
import pkgutil

from ._core import (
    Exercise,
    IncorrectAnswer,
    NotAnswered,
    call_answer,
    check,
    exercise,
    exercises,
    expect_close,
    verdict,
)
from ._observe import NotObserved, judge, observe, probe

for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["Exercise", "IncorrectAnswer", "NotAnswered", "NotObserved", "call_answer", "check", "exercise",
           "exercises", "expect_close", "judge", "observe", "probe", "verdict"]
