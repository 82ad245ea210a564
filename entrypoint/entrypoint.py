#!/usr/bin/env python3
"""PySpark main file for kedro-dataproc-action: find the Kedro project, run `kedro run`.

Dataproc Serverless starts this file as the Spark driver. It never creates a SparkContext
itself: Kedro runs in a child process which inherits the driver's environment (including
PySpark's gateway variables), so the project's SparkSession.builder.getOrCreate() attaches
to the JVM that Dataproc already started for this batch.

Usage (job arguments, as Dataproc passes them to the driver in argv):

    entrypoint.py [--code-dir DIR] [--set-env NAME=VALUE ...] -- KEDRO_RUN_ARG ...
    entrypoint.py [--code-dir DIR] --kedro-run-args="--pipeline=x --params=a=1"   (legacy)

Everything after the first `--` is handed to `kedro run` exactly as received: one argv item
per Kedro argument, never through a shell, so quotes, spaces and `$(...)` stay data.

Where the project is looked for, first match wins:
  1. --code-dir DIR;
  2. ./code       (the `code.zip#code` archive alias that Dataproc extracts);
  3. ./code.zip   (extracted here into ./code);
  4. $KEDRO_DATAPROC_CODE_DIR (code baked into a prod image);
  5. the directory holding this file, or a parent of it, that is a Kedro project.

Before Kedro starts:
  - Telemetry: kedro-telemetry, when installed, sends usage data on every run, and a batch
    without internet egress can stall up to 10 seconds on each send. So Kedro gets
    KEDRO_DISABLE_TELEMETRY=true, unless the driver environment (or --set-env) already has
    KEDRO_DISABLE_TELEMETRY or DO_NOT_TRACK, even empty: then the user has decided.
    kedro-telemetry skips sending only when one of them is non-empty, so an empty
    KEDRO_DISABLE_TELEMETRY= turns telemetry back on.
  - Project version: Kedro refuses a project whose kedro_init_version (pyproject.toml) has
    another major version (Kedro >= 1.2), or another major or minor version (Kedro < 1.2),
    with a long traceback; the entrypoint says so in one line and exits 2 instead.

The last line the entrypoint prints is `kedro run exited with status N`, on every path (a
usage error, a project made for another Kedro, a crash before Kedro starts), so a reader of the
driver output knows nothing is missing after it.

The pipeline report: Kedro finds plugins' hooks through the `kedro.hooks` entry point, in
Kedro 0.19 and 1.x alike. The entrypoint gives Kedro one, from a private directory put first
on its PYTHONPATH (a copy of this file and the dist-info that names it), and the hook appends
what it sees (the pipeline's nodes and datasets, each node's start, end or error, how long it
took, and for an error the line of the project's own code that raised) to a file. Before the
last line, the entrypoint prints it as one line: `[kedro-dataproc] pipeline: {json}`.

Exit status: Kedro's own, 128+N when Kedro dies of signal N, 2 for a usage or setup error
(including a project made for another Kedro version).
Runs on Python 3.8+ (Dataproc images vary), standard library only.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import zipfile
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Tuple

PREFIX = "[kedro-dataproc]"
EXIT_USAGE = 2
CODE_DIR_ENV = "KEDRO_DATAPROC_CODE_DIR"
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# The variables kedro-telemetry obeys (kedro_telemetry.plugin._SKIP_TELEMETRY_ENV_VAR_KEYS).
TELEMETRY_VARS = ("KEDRO_DISABLE_TELEMETRY", "DO_NOT_TRACK")
# Where the pipeline report hook appends its events (one JSON object a line).
REPORT_FILE_ENV = "KEDRO_DATAPROC_REPORT_FILE"
REPORT_MODULE = "kedro_dataproc_report"
# A pipeline larger than this is reported by its first nodes (the action draws fewer still).
REPORT_MAX_NODES = 300
REPORT_MAX_TEXT = 2000


class EntrypointError(Exception):
    """A problem the user can fix: reported in one message, without a traceback."""


def log(message: str) -> None:
    # Flush every line: Dataproc collects driver output from a pipe, and our lines must
    # come before Kedro's, which writes to the same pipe.
    print(f"{PREFIX} {message}", flush=True)


# ---------------------------------------------------------------------------- arguments


def parse_args(argv: Sequence[str]) -> Tuple[argparse.Namespace, List[str]]:
    """Split our own options (before `--`) from the Kedro run arguments (after it)."""
    own = list(argv)
    kedro_args: Optional[List[str]] = None  # None: no `--` given
    if "--" in own:
        split = own.index("--")
        own, kedro_args = own[:split], own[split + 1 :]

    parser = argparse.ArgumentParser(
        prog="entrypoint.py",
        description="Run `kedro run` for a Kedro project on Dataproc Serverless.",
        epilog="Kedro run arguments go after `--`, one argv item each.",
        allow_abbrev=False,  # `--code` must not silently mean `--code-dir`
    )
    parser.add_argument("--code-dir", help="directory of the Kedro project")
    parser.add_argument(
        "--kedro-run-args",
        help="legacy: all Kedro run arguments in one string, split like a POSIX shell",
    )
    parser.add_argument(
        "--set-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set an environment variable for Kedro (repeatable)",
    )
    ns, unknown = parser.parse_known_args(own)
    if unknown:
        parser.error(
            f"unrecognized arguments: {' '.join(unknown)} "
            "(Kedro run arguments must come after a `--` argument)"
        )

    if ns.kedro_run_args is not None and kedro_args is not None:
        parser.error("give Kedro run arguments either after `--` or in --kedro-run-args, not both")
    if ns.kedro_run_args is not None:
        try:
            kedro_args = split_legacy(ns.kedro_run_args)
        except ValueError as exc:
            parser.error(f"--kedro-run-args is not valid shell syntax: {exc}")
    return ns, kedro_args or []


def split_legacy(value: str) -> List[str]:
    """Split a legacy --kedro-run-args string the way a POSIX shell would (without running one).

    The guide's dequote() tried to drop one extra level of quotes around the whole value,
    as in --kedro-run-args="'--pipeline=a --params=b=1'"; it stripped any leading or trailing
    quote instead, breaking values such as --params='a=1'. Here: when the whole value is a
    single quoted word, split its content once more.
    """
    args = shlex.split(value)
    stripped = value.strip()
    wrapped = len(stripped) >= 2 and stripped[0] == stripped[-1] and stripped[0] in "'\""
    if wrapped and len(args) == 1:
        return shlex.split(args[0])
    return args


def parse_set_env(items: Sequence[str]) -> Dict[str, str]:
    env: Dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not ENV_NAME.match(name):
            raise EntrypointError(f"--set-env expects NAME=VALUE with a valid variable name, got {item!r}")
        env[name] = value
    return env


# --------------------------------------------------------------------------------- code


def is_kedro_project(path: Path) -> bool:
    """Kedro's own test (kedro.framework.startup._is_project): pyproject.toml with [tool.kedro]."""
    try:
        return "[tool.kedro]" in (path / "pyproject.toml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def project_in(directory: Path) -> Path:
    """The project inside an extracted archive: the directory itself, or its only child
    directory when the archive was made with a top-level folder (git archive --prefix=...)."""
    if is_kedro_project(directory):
        return directory
    children = [c for c in directory.iterdir() if c.is_dir() and not c.name.startswith(".")]
    if len(children) == 1 and is_kedro_project(children[0]):
        return children[0]
    return directory  # not a Kedro project: Kedro itself will say so, with its own hint


def is_within(path: Path, root: Path) -> bool:
    # Path.is_relative_to needs Python 3.9.
    return path == root or root in path.parents


def extract_zip(archive: Path, target: Path) -> None:
    """Extract `archive` into `target`, refusing any member that would land outside it.

    zipfile would silently rewrite such names; we refuse instead, because an archive built
    that way is not one the action made. Extraction goes to a
    temporary sibling first, so a failure never leaves a half-filled ./code behind that a
    retried driver would then trust.
    """
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(str(partial), ignore_errors=True)
    root = partial.resolve()
    try:
        with zipfile.ZipFile(str(archive)) as zf:
            for name in zf.namelist():
                destination = (root / name).resolve()
                if name.startswith(("/", "\\")) or not is_within(destination, root):
                    raise EntrypointError(
                        f"refusing to extract {archive}: member {name!r} would be written "
                        f"outside {target}"
                    )
            zf.extractall(str(partial))
        os.replace(str(partial), str(target))
    except zipfile.BadZipFile as exc:
        raise EntrypointError(f"{archive} is not a valid zip archive: {exc}") from exc
    finally:
        shutil.rmtree(str(partial), ignore_errors=True)


def find_code_dir(
    explicit: Optional[str], cwd: Path, here: Path, environ: Mapping[str, str]
) -> Tuple[Path, str]:
    """Return (project directory, how it was found), or raise EntrypointError listing the
    places tried. A location the caller names explicitly must exist: falling back to some
    other code would run the wrong project."""
    if explicit is not None:
        path = (cwd / explicit).resolve()
        if not path.is_dir():
            raise EntrypointError(f"--code-dir {explicit!r} is not a directory ({path})")
        return path, "--code-dir"

    tried: List[str] = []
    alias = cwd / "code"
    if alias.is_dir():
        return project_in(alias).resolve(), "./code (archive code.zip#code)"
    tried.append(f"{alias} (the code.zip#code archive alias): not a directory")

    archive = cwd / "code.zip"
    if archive.is_file():
        extract_zip(archive, alias)
        return project_in(alias).resolve(), f"./code.zip (extracted into {alias})"
    tried.append(f"{archive}: no such file")

    baked = environ.get(CODE_DIR_ENV)
    if baked:
        path = (cwd / baked).resolve()
        if not path.is_dir():
            raise EntrypointError(f"${CODE_DIR_ENV}={baked!r} is not a directory ({path})")
        return path, f"${CODE_DIR_ENV}"
    tried.append(f"${CODE_DIR_ENV}: not set")

    for candidate in [here, *here.parents]:
        if is_kedro_project(candidate):
            return candidate, "the Kedro project holding the entrypoint"
    tried.append(f"{here} and its parents: none has a pyproject.toml with [tool.kedro]")

    raise EntrypointError(
        "no Kedro project found. Tried:\n"
        + "\n".join(f"{PREFIX}   - {place}" for place in tried)
        + f"\n{PREFIX} Ship the code as an archive `code.zip#code`, bake it into the image "
        f"and set {CODE_DIR_ENV}, or pass --code-dir."
    )


# ---------------------------------------------------------------------------- reporting


def kedro_version() -> Optional[str]:
    """The installed Kedro's version, or None. Read from its distribution metadata, without
    importing Kedro: that is slow, and Kedro's own import errors belong to the run."""
    try:
        from importlib import metadata  # Python 3.8+

        return metadata.version("kedro")
    except Exception:  # PackageNotFoundError, or a broken distribution
        return None


def describe_kedro() -> str:
    version = kedro_version()
    if version is not None:
        return version
    spec = importlib.util.find_spec("kedro")
    if spec is not None and spec.origin:
        # E.g. a source checkout on PYTHONPATH: it may run, but its version is unknown.
        return (
            "version unknown (no distribution metadata; "
            f"a `kedro` module is importable from {spec.origin})"
        )
    return "not installed"


def apply_telemetry_default(env: Dict[str, str]) -> str:
    """Turn Kedro's telemetry off in `env` unless the user has decided; return a header line.

    Off by default because a batch without internet egress can stall up to 10 seconds on
    each send. A variable that is present at all, even empty, is the user's decision.
    """
    given = [name for name in TELEMETRY_VARS if name in env]
    if not given:
        env["KEDRO_DISABLE_TELEMETRY"] = "true"
        return (
            "telemetry: off (KEDRO_DISABLE_TELEMETRY=true set for Kedro; set KEDRO_DISABLE_TELEMETRY "
            "or DO_NOT_TRACK yourself to decide, an empty KEDRO_DISABLE_TELEMETRY= allows it)"
        )
    shown = ", ".join(f"{name}={env[name]!r}" for name in given)
    if any(env[name] for name in given):
        return f"telemetry: off, as the environment says ({shown})"
    # kedro-telemetry only skips on a non-empty value.
    return (
        f"telemetry: not disabled, as the environment says ({shown}): kedro-telemetry, if "
        "installed, sends unless the project's .telemetry file says consent: false"
    )


# ---------------------------------------------------------------------- project version

_TOOL_KEDRO_TABLE = re.compile(r"""^\[\s*tool\s*\.\s*(?:kedro|"kedro"|'kedro')\s*\]\s*(?:#.*)?$""")
_INIT_VERSION_KEY = re.compile(
    r"""^(?:kedro_init_version|"kedro_init_version"|'kedro_init_version')\s*=\s*"""
    r"""(?:"(?P<basic>[^"\\]*)"|'(?P<literal>[^']*)')\s*(?:#.*)?$"""
)


def parse_init_version(text: str) -> Optional[str]:
    """kedro_init_version from [tool.kedro] in pyproject.toml text, or None."""
    try:
        import tomllib  # Python 3.11+
    except ImportError:
        return parse_init_version_fallback(text)
    try:
        value = tomllib.loads(text).get("tool", {}).get("kedro", {}).get("kedro_init_version")
    except (tomllib.TOMLDecodeError, AttributeError):
        return None  # not our error to report: Kedro says what is wrong with the file
    return value if isinstance(value, str) else None


def parse_init_version_fallback(text: str) -> Optional[str]:
    """The one key we need, for Pythons without tomllib: a `kedro_init_version = "..."` line
    inside the [tool.kedro] table. Anything less plain gives None, which skips the check
    (Kedro still makes its own) rather than guessing."""
    in_table = False
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("["):
            in_table = _TOOL_KEDRO_TABLE.match(line) is not None
        elif in_table:
            match = _INIT_VERSION_KEY.match(line)
            if match:
                value = match.group("basic")
                return value if value is not None else match.group("literal")
    return None


def version_mismatch(project: str, installed: str) -> Optional[str]:
    """What Kedro would find different between the project's kedro_init_version and the
    installed Kedro ("major version", "major or minor version"), or None when Kedro accepts
    it or we cannot tell. Compares dot-separated parts as strings, as Kedro does
    (kedro.framework.startup._get_project_metadata)."""
    number = re.match(r"(\d+)\.(\d+)", installed)
    if number is None:
        return None
    # Kedro 1.2 relaxed the check from major.minor to major.
    parts = 1 if (int(number.group(1)), int(number.group(2))) >= (1, 2) else 2
    if project.split(".")[:parts] == installed.split(".")[:parts]:
        return None
    return "major version" if parts == 1 else "major or minor version"


def check_project_version(code_dir: Path) -> None:
    """Raise EntrypointError, in one line, when the installed Kedro would refuse the project.

    Kedro does refuse it, but with a traceback that buries the cause; this says what to do.
    Anything we cannot read is left to Kedro.
    """
    installed = kedro_version()
    pyproject = code_dir / "pyproject.toml"
    if installed is None or not is_kedro_project(code_dir):
        return
    try:
        project = parse_init_version(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return
    if project is None:
        return
    differs = version_mismatch(project, installed)
    if differs is None:
        return
    raise EntrypointError(
        f"this project was made with Kedro {project} (kedro_init_version in {pyproject}), "
        f"but the installed Kedro is {installed}, which refuses projects of another {differs}. "
        f"Either migrate the project to Kedro {installed} and set kedro_init_version = "
        f'"{installed}" in [tool.kedro], or run it on an image with the Kedro it was made with '
        f"({project})."
    )


def print_header(code_dir: Path, source: str, env: Mapping[str, str], telemetry: str) -> None:
    log(f"python {sys.version.split()[0]} ({sys.executable})")
    log(f"kedro {describe_kedro()}")
    log(f"code dir: {code_dir} (found via {source})")
    log(telemetry)
    for name in sorted(env):
        if name.startswith("KEDRO_DATAPROC_"):
            log(f"env {name}={env[name]}")


# ---------------------------------------------------------------------- pipeline report


def install_report_hook(env: Dict[str, str], directory: Path) -> Path:
    """Make Kedro (run with `env`) load the report hook; return the file it appends to."""
    shutil.copy(str(Path(__file__).resolve()), str(directory / f"{REPORT_MODULE}.py"))
    dist_info = directory / f"{REPORT_MODULE}-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {REPORT_MODULE}\nVersion: 1.0\n", encoding="utf-8"
    )
    (dist_info / "entry_points.txt").write_text(
        f"[kedro.hooks]\n{REPORT_MODULE} = {REPORT_MODULE}:report_hooks\n", encoding="utf-8"
    )
    # First, before Spark's own entries, which the child still needs.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(directory), env.get("PYTHONPATH")]))
    events = directory / "events.jsonl"
    env[REPORT_FILE_ENV] = str(events)
    return events


def exception_text(error: BaseException) -> str:
    """`ValueError: …` as Python ends a traceback, whole, bounded."""
    kind = type(error)
    name = kind.__qualname__
    if kind.__module__ not in ("builtins", "__main__"):
        name = f"{kind.__module__}.{name}"
    message = str(error)
    text = f"{name}: {message}" if message else name
    return text[:REPORT_MAX_TEXT]


def innermost(error: BaseException) -> BaseException:
    """The exception at the bottom of a chain: the one Python prints first."""
    seen = {id(error)}
    while True:
        below = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
        if below is None or id(below) in seen:
            return error
        seen.add(id(below))
        error = below


def raised_at(error: BaseException, root: Path) -> Optional[Dict[str, object]]:
    """The innermost frame of the project's own code (under `root`, not in a virtualenv)
    where `error` passed: the file relative to `root`, and the line."""
    place = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.startswith("<"):  # <string>, <frozen runpy>: no file of the project
            continue
        path = Path(frame.filename).resolve()
        installed = {"site-packages", "dist-packages"} & set(path.parts)
        if is_within(path, root) and not installed and path.is_file():
            place = {"file": path.relative_to(root).as_posix(), "line": frame.lineno}
    return place


class ReportHooks:
    """Kedro hook implementations (marked at load time, see `report_hooks`) that append
    the run's events to the report file: append-only lines, so a run killed midway leaves
    what it had seen, and nodes run in other processes (ParallelRunner) write their own."""

    def __init__(self, path: str, root: Path) -> None:
        self.path = path
        self.root = root
        self.started: Dict[str, float] = {}

    def write(self, event: Dict[str, object]) -> None:
        with open(self.path, "a", encoding="utf-8") as events:
            events.write(json.dumps(event) + "\n")

    def before_pipeline_run(self, pipeline: object) -> None:
        nodes = list(getattr(pipeline, "nodes", []))
        described = [
            {"name": n.name, "inputs": list(n.inputs), "outputs": list(n.outputs)}
            for n in nodes[:REPORT_MAX_NODES]
        ]
        self.write({"event": "pipeline", "nodes": described, "total": len(nodes)})

    def before_node_run(self, node: object) -> None:
        self.started[node.name] = time.monotonic()
        self.write({"event": "start", "node": node.name})

    def seconds(self, node: object) -> Optional[float]:
        start = self.started.pop(node.name, None)
        return None if start is None else round(time.monotonic() - start, 3)

    def after_node_run(self, node: object) -> None:
        self.write({"event": "end", "node": node.name, "seconds": self.seconds(node)})

    def on_node_error(self, error: BaseException, node: object) -> None:
        event: Dict[str, object] = {"event": "error", "node": node.name}
        event.update(seconds=self.seconds(node), error=exception_text(innermost(error)))
        place = raised_at(error, self.root)
        if place is not None:
            event.update(place)
        self.write(event)


def __getattr__(name: str) -> object:
    """`report_hooks`, the entry point Kedro loads in its own process (PEP 562: made on
    first use, so the driver itself never imports Kedro)."""
    if name != "report_hooks":
        raise AttributeError(name)
    from kedro.framework.hooks import hook_impl

    for method in ("before_pipeline_run", "before_node_run", "after_node_run", "on_node_error"):
        hook_impl(getattr(ReportHooks, method))
    hooks = ReportHooks(os.environ.get(REPORT_FILE_ENV, os.devnull), Path.cwd().resolve())
    globals()[name] = hooks
    return hooks


def read_report(events: Path) -> Optional[Dict[str, object]]:
    """The report from the hook's events, or None when Kedro never reached the pipeline."""
    nodes: List[Dict[str, object]] = []
    total = 0
    by_name: Dict[str, Dict[str, object]] = {}
    try:
        lines = events.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        try:
            event = json.loads(line)
        except ValueError:
            continue  # a line cut short by a killed process
        kind = event.get("event")
        if kind == "pipeline":
            nodes = [dict(n, status="not run") for n in event["nodes"]]
            total = event["total"]
            by_name = {n["name"]: n for n in nodes}
            continue
        node = by_name.get(event.get("node"))
        if node is None:
            continue
        status = {"start": "running", "end": "completed", "error": "failed"}.get(kind)
        node["status"] = status or node["status"]
        for key in ("seconds", "error", "file", "line"):
            if event.get(key) is not None:
                node[key] = event[key]
    if not by_name and not total:
        return None
    for node in nodes:
        if node["status"] == "running":  # started and never ended: where the run stopped
            node["status"] = "failed"
    return {"nodes": nodes, "total": total}


def print_report(events: Path) -> None:
    try:
        report = read_report(events)
    except (KeyError, TypeError, AttributeError):
        report = None  # the events are not what the hook writes: no report rather than a crash
    if report is not None:
        log("pipeline: " + json.dumps(report, separators=(",", ":")))


# ------------------------------------------------------------------------------ running


def exit_status(returncode: int) -> int:
    """Popen reports death by signal N as -N; a shell reports 128+N. Use the shell's form,
    which is what Dataproc, CI logs and humans expect from a process exit code."""
    return 128 - returncode if returncode < 0 else returncode


def describe_status(returncode: int) -> str:
    status = exit_status(returncode)
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"{status} (killed by {name})"
    return str(status)


def run(
    command: Sequence[str], cwd: Path, env: Mapping[str, str], before_last_line: Callable[[], None]
) -> int:
    """Run Kedro as a child, forwarding SIGTERM/SIGINT to it, and return its exit status.

    Forwarding matters for cancellation: Dataproc stops the driver with a signal, and a
    Kedro child left running would keep writing outputs after the batch is CANCELLED.
    (An interactive Ctrl-C reaches both processes; a second SIGINT only makes Kedro stop
    sooner.) Handlers are installed before the child starts, so a signal in between is
    remembered and delivered rather than killing us and orphaning the child.
    """
    child: Optional[subprocess.Popen] = None
    pending: List[int] = []

    def forward(signum: int, _frame: object) -> None:
        if child is None:
            pending.append(signum)
        else:
            child.send_signal(signum)  # a no-op once the child has been reaped

    forwarded = (signal.SIGTERM, signal.SIGINT)
    previous = {signum: signal.signal(signum, forward) for signum in forwarded}
    try:
        # An argument list and no shell: Kedro arguments are data, never shell code.
        child = subprocess.Popen(list(command), cwd=str(cwd), env=dict(env))
        for signum in pending:
            child.send_signal(signum)
        # PEP 475: wait() resumes by itself after a handler has run.
        returncode = child.wait()
        # Still under our handlers: a late signal must not cut off the line that tells the
        # reader the output is complete.
        before_last_line()
        log(f"kedro run exited with status {describe_status(returncode)}")
        return exit_status(returncode)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run Kedro; whatever happens before it starts, end with the status line."""
    try:
        return start(sys.argv[1:] if argv is None else argv)
    except SystemExit as exc:  # argparse: a usage error (its message is printed) or --help
        status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except EntrypointError as exc:
        status = report(exc)
    except Exception:  # a crash of our own: its traceback, then the line a reader waits for
        traceback.print_exc()
        sys.stderr.flush()
        status = 1
    log(f"kedro run exited with status {status} (Kedro did not start)")
    return status


def start(argv: Sequence[str]) -> int:
    ns, kedro_args = parse_args(argv)
    extra_env = parse_set_env(ns.set_env)
    code_dir, source = find_code_dir(
        ns.code_dir, Path.cwd(), Path(__file__).resolve().parent, os.environ
    )

    env = dict(os.environ)
    env.update(extra_env)
    # Kedro's output reaches Dataproc through a pipe: unbuffered, it arrives as it happens
    # and is not lost if the driver is killed.
    env["PYTHONUNBUFFERED"] = "1"
    # Without a terminal, Kedro's rich log handler wraps every line at 80 columns, which splits
    # its messages across lines in the step log; a wider page keeps one message a line.
    env.setdefault("COLUMNS", "200")
    telemetry = apply_telemetry_default(env)
    command = [sys.executable, "-m", "kedro", "run", *kedro_args]

    os.chdir(str(code_dir))  # Kedro resolves conf/ and relative data paths from the cwd
    print_header(code_dir, source, env, telemetry)
    check_project_version(code_dir)
    log(f"running: {json.dumps(list(command))}")
    report_dir = Path(tempfile.mkdtemp(prefix="kedro-dataproc-report-"))
    try:
        events = install_report_hook(env, report_dir)
        return run(command, code_dir, env, lambda: print_report(events))
    finally:
        shutil.rmtree(str(report_dir), ignore_errors=True)


def report(error: EntrypointError) -> int:
    print(f"{PREFIX} error: {error}", file=sys.stderr, flush=True)
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
