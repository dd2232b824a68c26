"""actlib.frameworks: the one place where the frameworks' start-up is set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from actlib import frameworks

ROOT = Path(__file__).resolve().parents[1]


def _fresh_python(code: str, **env_changes: str) -> dict:
    """Run ``code`` in a new interpreter (frameworks load once per process); its printed JSON."""
    env = {k: v for k, v in os.environ.items() if k not in frameworks.KERNEL_ENV}
    env.update(env_changes)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True, timeout=300)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_kernel_env_holds_the_framework_env():
    assert frameworks.ENV.items() <= frameworks.KERNEL_ENV.items()
    assert frameworks.KERNEL_ENV["PYTHONHASHSEED"] == "0"
    assert all(isinstance(v, str) for v in frameworks.KERNEL_ENV.values())


def test_the_runner_starts_kernels_with_the_same_env():
    from actlib.course import runner

    assert runner._KERNEL_ENV is frameworks.KERNEL_ENV


def test_import_actlib_sets_the_env_before_any_framework_loads():
    seen = _fresh_python(
        "import json, os, sys, actlib\n"
        "print(json.dumps({'env': {k: os.environ.get(k) for k in actlib.frameworks.ENV},\n"
        "                  'loaded': [m for m in ('torch', 'tensorflow', 'keras') if m in sys.modules]}))")
    assert seen["env"] == frameworks.ENV
    assert seen["loaded"] == []  # import actlib stays light: nothing framework-sized yet


def test_a_value_already_set_wins():
    seen = _fresh_python("import json, os, actlib; print(json.dumps(os.environ['TF_NUM_INTRAOP_THREADS']))",
                         TF_NUM_INTRAOP_THREADS="3")
    assert seen == "3"


@pytest.mark.slow
def test_import_torch_runs_on_one_thread_unless_told():
    seen = _fresh_python(
        "import json\nfrom actlib.frameworks import import_torch\n"
        "torch = import_torch(); one = torch.get_num_threads()\n"
        "torch = import_torch(threads=2); two = torch.get_num_threads()\n"
        "print(json.dumps([one, two]))")
    assert seen == [1, 2]


def test_import_torch_rejects_a_bad_thread_count():
    with pytest.raises(ValueError, match="threads"):
        frameworks.import_torch(threads=0)
    with pytest.raises(TypeError, match="threads"):
        frameworks.import_torch(threads=1.5)


def test_seed_everything_rejects_bad_seeds():
    for bad in (-1, 1.5, True, "0"):
        with pytest.raises(ValueError, match="seed must be a non-negative int"):
            frameworks.seed_everything(bad)
