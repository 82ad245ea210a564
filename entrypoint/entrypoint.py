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

The last line the entrypoint prints is `kedro run exited with status N`, so a reader of the
driver output knows nothing is missing after it.

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
import zipfile
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

PREFIX = "[kedro-dataproc]"
EXIT_USAGE = 2
CODE_DIR_ENV = "KEDRO_DATAPROC_CODE_DIR"
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# The variables kedro-telemetry obeys (kedro_telemetry.plugin._SKIP_TELEMETRY_ENV_VAR_KEYS).
TELEMETRY_VARS = ("KEDRO_DISABLE_TELEMETRY", "DO_NOT_TRACK")


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


def run(command: Sequence[str], cwd: Path, env: Mapping[str, str]) -> int:
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
        log(f"kedro run exited with status {describe_status(returncode)}")
        return exit_status(returncode)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def main(argv: Optional[Sequence[str]] = None) -> int:
    ns, kedro_args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        extra_env = parse_set_env(ns.set_env)
        code_dir, source = find_code_dir(
            ns.code_dir, Path.cwd(), Path(__file__).resolve().parent, os.environ
        )
    except EntrypointError as exc:
        return report(exc)

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
    try:
        check_project_version(code_dir)
    except EntrypointError as exc:
        return report(exc)
    log(f"running: {json.dumps(list(command))}")
    return run(command, code_dir, env)


def report(error: EntrypointError) -> int:
    print(f"{PREFIX} error: {error}", file=sys.stderr, flush=True)
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
