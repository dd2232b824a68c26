"""Course tooling: the student edition, the grader and the instructor guide's tables.

* :mod:`actlib.course.notebooks` - read a chapter notebook's exercises (the conventions
  of CONTRIBUTING.md: gated sphinx-exercise solutions, ``solution`` and ``self-check`` tags,
  nbgrader's ``### BEGIN SOLUTION`` / ``### END SOLUTION`` markers)
* :mod:`actlib.course.student` - ``python -m actlib.course.student``: the student edition
* :mod:`actlib.course.grade` - ``python -m actlib.course.grade submissions/``: which
  self-checks pass in each submitted notebook
* :mod:`actlib.course.sphinxext` - the ``{exercise-table}`` directive of the instructor guide
"""
