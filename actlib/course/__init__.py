"""Course tooling: the student edition, the grader and the instructor guide's tables.

* :mod:`actlib.course.notebooks` - read a chapter notebook's exercises (the conventions
  of CONTRIBUTING.md: gated sphinx-exercise solutions, ``solution`` and ``self-check`` tags,
  nbgrader's ``### BEGIN SOLUTION`` / ``### END SOLUTION`` markers)
* :mod:`actlib.course.student` - ``python -m actlib.course.student``: the student edition
* :mod:`actlib.course.grade` - ``python -m actlib.course.grade submissions/``: which
  exercises each submitted notebook answers correctly (the command and its table), from
  :mod:`actlib.course.plan` (what to run of a submission, where to observe its answers),
  :mod:`actlib.course.runner` (run it in a kernel, collect the observations as data) and
  :mod:`actlib.course.sandbox` (scratch folder, memory, processes, network, user); the
  verdicts come from :mod:`actlib.exercises._observe`
* :mod:`actlib.course.sphinxext` - the ``{exercise-table}`` directive of the instructor guide
"""
