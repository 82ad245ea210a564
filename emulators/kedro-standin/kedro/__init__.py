"""STAND-IN for Kedro, for the local stack only. This is not Kedro.

Kedro cannot be installed on the machines that develop kedro-dataproc-action (no PyPI), yet
the Dataproc emulator must run a driver that ends in `python -m kedro run ...`. The emulator
puts this directory on PYTHONPATH only when the real `kedro` is not importable.

`python -m kedro run ARGS` checks what can be checked without Kedro, with Kedro >= 0.19's
messages and exit codes: that the working directory is a Kedro project, that `--params` items
are `key=value`, that the selected pipelines exist (the `find_pipelines()` convention), and
that the configuration environment exists. It then lists the nodes it would run and exits 0.
It imports nothing from the project and runs no node.
"""

# The `+standin` local version label makes the stand-in obvious wherever a version is printed.
__version__ = "0.19.0+standin"

STANDIN = True
