"""`python -m kedro` for the kedro STAND-IN (see __init__.py): validates, lists, runs nothing.

Messages and exit codes follow Kedro 0.19's CLI (click): usage errors exit 2, errors raised
by a run (unknown pipeline, missing configuration) exit 1. Python 3.8+, standard library only.
"""

from __future__ import annotations

import ast
import json
import os
import re
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from kedro import __version__

PROG = "python -m kedro"
BANNER = (
    "kedro stand-in {version}: Kedro is not installed here, so this stand-in "
    "(emulators/kedro-standin) checks the project and arguments and runs no node"
)
RUN_ENV_VARS = (
    "KEDRO_DATAPROC_RUN_ID",
    "KEDRO_DATAPROC_RUN_OUTPUT_URI",
    "KEDRO_DATAPROC_BRANCH",
    "KEDRO_DATAPROC_COMMIT",
)

# `kedro run` options of Kedro 0.19 (and 1.0's --pipelines), as click declares them.
VALUE_OPTIONS = {
    "--from-inputs": "from_inputs",
    "--to-outputs": "to_outputs",
    "--from-nodes": "from_nodes",
    "--to-nodes": "to_nodes",
    "--nodes": "nodes",
    "-n": "nodes",
    "--node": "nodes",
    "--runner": "runner",
    "-r": "runner",
    "--env": "env",
    "-e": "env",
    "--tags": "tags",
    "-t": "tags",
    "--tag": "tags",
    "--load-versions": "load_versions",
    "-lv": "load_versions",
    "--load-version": "load_versions",
    "--pipeline": "pipeline",
    "-p": "pipeline",
    "--pipelines": "pipelines",
    "--namespace": "namespace",
    "-ns": "namespace",
    "--config": "config",
    "-c": "config",
    "--conf-source": "conf_source",
    "--params": "params",
}
FLAG_OPTIONS = {"--async": "is_async", "--only-missing-outputs": "only_missing_outputs"}
FILTERS = ("from_inputs", "to_outputs", "from_nodes", "to_nodes", "nodes", "tags", "namespace")


class UsageError(Exception):
    """click.UsageError: printed with a usage line, exit status 2."""


class RunError(Exception):
    """An exception escaping `kedro run` (exit status 1); `kind` is Kedro's exception class."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def say(message: str = "") -> None:
    print(message, flush=True)


def err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------ project


def is_kedro_project(path: Path) -> bool:
    # kedro.framework.startup._is_project
    try:
        return "[tool.kedro]" in (path / "pyproject.toml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def find_kedro_project(start: Path) -> Optional[Path]:
    # kedro.utils.find_kedro_project: the directory itself or the nearest parent.
    for candidate in [start, *start.parents]:
        if is_kedro_project(candidate):
            return candidate
    return None


def read_tool_kedro(pyproject: Path) -> Dict[str, Any]:
    text = pyproject.read_text(encoding="utf-8")
    try:
        import tomllib  # Python 3.11+
    except ImportError:
        return read_tool_kedro_fallback(text)
    try:
        return dict(tomllib.loads(text).get("tool", {}).get("kedro", {}))
    except tomllib.TOMLDecodeError as exc:
        raise RunError("RuntimeError", f"Failed to parse 'pyproject.toml' file.\n{exc}") from exc


def read_tool_kedro_fallback(text: str) -> Dict[str, Any]:
    """Enough TOML for [tool.kedro] on Python < 3.11: `key = "string"` lines of that table."""
    table: Dict[str, Any] = {}
    inside = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped == "[tool.kedro]"
            continue
        match = re.match(r"""^([A-Za-z0-9_-]+)\s*=\s*(["'])(.*)\2\s*(#.*)?$""", stripped)
        if inside and match:
            table[match.group(1)] = match.group(3)
    return table


def project_metadata(root: Path) -> Dict[str, Any]:
    # kedro.framework.startup._get_project_metadata (0.19)
    metadata = read_tool_kedro(root / "pyproject.toml")
    missing = [k for k in ("package_name", "project_name", "kedro_init_version") if k not in metadata]
    if missing:
        raise RunError("RuntimeError", f"Missing required keys {missing} from 'pyproject.toml'.")
    return metadata


# ---------------------------------------------------------------------------- arguments


def parse_run_args(args: Sequence[str]) -> Dict[str, Any]:
    """Parse `kedro run` arguments as click would: `--opt value`, `--opt=value`, `-pNAME`."""
    options: Dict[str, Any] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        name, has_value, value = arg.partition("=") if arg.startswith("--") else (arg, False, "")
        if name in FLAG_OPTIONS and not has_value:
            options[FLAG_OPTIONS[name]] = True
        elif name in VALUE_OPTIONS:
            if not has_value:
                i += 1
                if i >= len(args):
                    raise UsageError(f"Option '{name}' requires an argument.")
                value = args[i]
            key = VALUE_OPTIONS[name]
            if key == "load_versions":  # the only `multiple=True` option
                options.setdefault(key, []).append(value)
            else:
                options[key] = value  # click: the last occurrence wins
        elif arg.startswith("-") and len(arg) > 2 and arg[:2] in ("-p", "-e", "-r", "-n", "-t", "-c"):
            options[VALUE_OPTIONS[arg[:2]]] = arg[2:]  # click accepts `-pNAME`
        elif arg.startswith("-") and arg != "-":
            raise UsageError(f"No such option: {name}")
        else:
            raise UsageError(f"Got unexpected extra argument ({arg})")
        i += 1
    return options


def split_string(value: str) -> List[str]:
    # kedro.framework.cli.utils.split_string
    return [item.strip() for item in value.split(",") if item.strip()]


def parse_params(value: str) -> Dict[str, Any]:
    """kedro.framework.cli.utils._split_params (0.19): `key=value` items, comma separated;
    dotted keys nest (OmegaConf.from_dotlist); values are read as YAML scalars."""
    result: Dict[str, Any] = {}
    for item in split_string(value):
        if "=" not in item:
            raise UsageError(
                "Invalid format of `params` option: "
                f"Item `{item}` must contain a key and a value separated by `=`."
            )
        key, _, raw = item.partition("=")
        key = key.strip()
        if not key:
            raise UsageError(
                "Invalid format of `params` option: Parameter key cannot be an empty string."
            )
        target = result
        parts = key.split(".")
        for part in parts[:-1]:
            target = target.setdefault(part, {})
            if not isinstance(target, dict):
                raise UsageError(f"Invalid format of `params` option: `{key}` nests in a value.")
        target[parts[-1]] = yaml_scalar(raw)
    return result


def yaml_scalar(raw: str) -> Any:
    text = raw.strip()
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("null", "~", ""):
        return None
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


# ---------------------------------------------------------------------------- pipelines


def exposes_create_pipeline(package: Path) -> bool:
    """find_pipelines() keeps a subpackage whose module exposes `create_pipeline`."""
    init = package / "__init__.py"
    try:
        tree = ast.parse(init.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return False
    for stmt in tree.body:
        if isinstance(stmt, ast.FunctionDef) and stmt.name == "create_pipeline":
            return True
        if isinstance(stmt, ast.ImportFrom) and any(
            (alias.asname or alias.name) == "create_pipeline" for alias in stmt.names
        ):
            return True
    return False


def find_pipelines(pipelines_dir: Path) -> Dict[str, Path]:
    # kedro.framework.project.find_pipelines: every subpackage of <package>/pipelines
    found: Dict[str, Path] = {}
    if not pipelines_dir.is_dir():
        return found
    for child in sorted(pipelines_dir.iterdir()):
        if not child.is_dir() or child.name == "__pycache__" or child.name.startswith("."):
            continue
        if exposes_create_pipeline(child):
            found[child.name] = child
        else:
            say(f"stand-in: skipping {child}: it does not expose 'create_pipeline'")
    return found


def callee_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def expression_name(expr: ast.expr) -> str:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        return expr.attr
    if isinstance(expr, ast.Lambda):
        return "<lambda>"
    return ast.dump(expr)[:40]


def nodes_of(package: Path) -> List[Tuple[str, Optional[str]]]:
    """(function, node name) of each `node(...)` call in the pipeline package; when there is
    none, the public top-level functions of its other modules (e.g. nodes.py)."""
    calls: List[Tuple[str, Optional[str]]] = []
    functions: List[Tuple[str, Optional[str]]] = []
    for path in sorted(package.rglob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError) as exc:
            raise RunError(type(exc).__name__, f"{path}: {exc}") from exc
        for item in ast.walk(tree):
            if isinstance(item, ast.Call) and callee_name(item) == "node":
                keywords = {k.arg: k.value for k in item.keywords if k.arg}
                func = keywords.get("func", item.args[0] if item.args else None)
                name = keywords.get("name")
                if func is not None:
                    label = name.value if isinstance(name, ast.Constant) else None
                    calls.append((expression_name(func), label))
        if path.name not in ("__init__.py", "pipeline.py"):
            functions += [
                (stmt.name, None)
                for stmt in tree.body
                if isinstance(stmt, ast.FunctionDef) and not stmt.name.startswith("_")
            ]
    return calls or functions


# ---------------------------------------------------------------------------- commands


def command_run(args: Sequence[str]) -> int:
    cwd = Path.cwd()
    root = find_kedro_project(cwd)
    if root is None:
        # KedroCLI.main: outside a project the `run` command does not exist (click exit 2).
        err(f"Usage: {PROG} [OPTIONS] COMMAND [ARGS]...")
        err(f"Try '{PROG} -h' for help.")
        err("")
        err("Error: No such command 'run'.")
        err("")
        err(
            "Kedro project not found in this directory. Project specific commands such as "
            "'run' or 'jupyter' are only available within a project directory."
        )
        err(
            "Hint: Kedro is looking for a file called 'pyproject.toml, is one present in "
            "your current working directory?"
        )
        err(
            f"stand-in: Could not find the project configuration file 'pyproject.toml' in {cwd} "
            "or its parents (a pyproject.toml with a [tool.kedro] table)."
        )
        return 2

    metadata = project_metadata(root)
    say(f"stand-in: project {metadata['project_name']!r} at {root}")
    options = parse_run_args(args)
    params = parse_params(options.get("params", ""))
    if params:
        say(f"stand-in: runtime params {json.dumps(params, sort_keys=True)}")

    # OmegaConfigLoader: conf/base and the run environment (default `local`) must be directories.
    conf_source = root / options.get("conf_source", "conf")
    for env in ("base", options.get("env") or os.environ.get("KEDRO_ENV") or "local"):
        if not (conf_source / env).is_dir():
            raise RunError(
                "MissingConfigException",
                "Given configuration path either does not exist "
                f"or is not a valid directory: {conf_source / env}",
            )

    package = str(metadata["package_name"])
    source_dir = root / str(metadata.get("source_dir", "src"))
    pipelines = find_pipelines(source_dir / package / "pipelines")
    names = [options["pipeline"]] if options.get("pipeline") else []
    names += split_string(options.get("pipelines", ""))
    for name in names or ["__default__"]:
        if name != "__default__" and name not in pipelines:
            raise RunError(
                "ValueError",
                f"Failed to find the pipeline named '{name}'. It needs to be generated and "
                "returned by the 'register_pipelines' function.",
            )

    registry = source_dir / package / "pipeline_registry.py"
    if registry.is_file() and "find_pipelines" not in registry.read_text(encoding="utf-8"):
        say(f"stand-in: note: {registry.name} does not use find_pipelines(); names may differ")
    selected = list(pipelines) if not names or "__default__" in names else names
    filters = [f"--{k.replace('_', '-')}" for k in FILTERS if options.get(k)]
    if filters:
        say(f"stand-in: note: node filters {' '.join(filters)} are not applied by the stand-in")

    seen = set()
    for pipeline in selected:
        for function, label in nodes_of(pipelines[pipeline]):
            if (pipeline, function, label) in seen:
                continue
            seen.add((pipeline, function, label))
            suffix = f" (node {label!r})" if label else ""
            say(f"stand-in: would run node {function}{suffix} from pipeline '{pipeline}'")
    for var in RUN_ENV_VARS:
        if var in os.environ:
            say(f"stand-in: {var}={os.environ[var]}")
    say("stand-in: Pipeline execution completed successfully (nothing was run).")
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    say(BANNER.format(version=__version__))
    say(f"stand-in: argv {json.dumps(args)}")
    say(f"stand-in: cwd {os.getcwd()}")

    if args in (["--version"], ["-V"]):
        say(f"kedro, version {__version__}")
        return 0
    if args[:1] == ["info"]:
        say(f"kedro stand-in version {__version__} (not Kedro: Kedro is not installed here)")
        say(f"module: {Path(__file__).resolve().parent}")
        return 0
    if args[:1] != ["run"]:
        say(f"Usage: {PROG} [OPTIONS] COMMAND [ARGS]...")
        say("stand-in commands: run, info, --version")
        return 0 if not args or args[0] in ("-h", "--help") else 2
    try:
        return command_run(args[1:])
    except UsageError as exc:
        err(f"Usage: {PROG} run [OPTIONS]")
        err(f"Try '{PROG} run -h' for help.")
        err("")
        err(f"Error: {exc}")
        return 2
    except RunError as exc:
        err(f"{exc.kind}: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
