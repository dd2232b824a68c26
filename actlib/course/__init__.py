"""Course tooling, for instructors and the book's build: the student edition, the grader, the
book's Sphinx extension.

Nothing a student imports lives here, and nothing outside this package imports it: ``import
actlib`` does not load it, and the student edition's zip leaves it out. Its dependencies are
the ``course`` extra (``pip install 'actlib[course]'``: nbformat, jupyter_client, ipykernel,
Sphinx, sphinx-exercise).

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
* :mod:`actlib.course.sphinxext` - the ``{exercise-table}`` directive of the instructor guide,
  and the book's fixes for readers (solution markers, accessibility)
* :mod:`actlib.course.plotly_render` - the book's interactive figures in HTML
* :mod:`actlib.course.phone_render` - the phone versions of the book's figures in HTML
* :mod:`actlib.course.lms` - points per exercise, the roster, and gradebook files for Canvas
  and Moodle (``python -m actlib.course.grade --roster ... --canvas ... --moodle ...``)
* :mod:`actlib.course.gradescope` - the Gradescope autograder (``make gradescope``)
"""
