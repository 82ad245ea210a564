"""Tests for entrypoint.py, on the real Kedro of the driver environment:

    .cache/driver-env/venv/bin/python -m unittest discover -s entrypoint -p 'test_*.py'

Each test runs the entrypoint as Dataproc does (a separate Python process, which starts
`python -m kedro run` with the same interpreter) on a copy of fixtures/probe: a tiny Kedro
project whose hook writes the argv, cwd, environment and parameters Kedro handed it to
$PROBE_OUT/context.json, and whose one node exits, raises, kills itself or sleeps when a
PROBE_* variable asks it to (fixtures/probe/src/probe/).

No traffic beyond loopback: Kedro always gets KEDRO_DISABLE_TELEMETRY=true and DO_NOT_TRACK=1,
except in the tests of the entrypoint's own telemetry default; and the probe's .telemetry
file says `consent: false`, so kedro-telemetry stays quiet even then.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import zipfile
from pathlib import Path
from typing import Dict, List, Optional

HERE = Path(__file__).resolve().parent
ENTRYPOINT = HERE / "entrypoint.py"
FIXTURE = HERE / "fixtures" / "probe"
PREFIX = "[kedro-dataproc]"
LAST_LINE = f"{PREFIX} kedro run exited with status "
REPORT = f"{PREFIX} pipeline: "


def load_entrypoint():
    """The entrypoint as a module, for its pure functions."""
    spec = importlib.util.spec_from_file_location("kedro_dataproc_entrypoint", str(ENTRYPOINT))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


entrypoint = load_entrypoint()


def setUpModule() -> None:  # noqa: N802 (unittest's name)
    # Fail, not skip: without Kedro these tests would prove nothing.
    if entrypoint.kedro_version() is None:
        raise RuntimeError(
            f"{sys.executable} has no Kedro: run these tests with the driver environment's "
            "Python, .cache/driver-env/venv/bin/python (see scripts/test.sh)"
        )


KEDRO = entrypoint.kedro_version()


def copy_project(target: Path, init_version: Optional[str] = None) -> Path:
    shutil.copytree(str(FIXTURE), str(target))
    if init_version is not None:
        pyproject = target / "pyproject.toml"
        text = pyproject.read_text(encoding="utf-8")
        old = 'kedro_init_version = "1.7.0"'
        assert old in text, "the fixture's kedro_init_version line changed"
        new = f'kedro_init_version = "{init_version}"'
        pyproject.write_text(text.replace(old, new), encoding="utf-8")
    return target


def zip_project(source: Path, archive: Path, prefix: str = "") -> None:
    with zipfile.ZipFile(str(archive), "w") as zf:
        for path in sorted(source.rglob("*")):
            zf.write(str(path), prefix + path.relative_to(source).as_posix())


def kill_if_running(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def header_lines(output: str) -> List[str]:
    return [line for line in output.splitlines() if line.startswith(PREFIX)]


def last_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    return lines[-1] if lines else ""


class EntrypointTest(unittest.TestCase):
    shared: Path  # one copy of the probe for the tests that do not change it

    @classmethod
    def setUpClass(cls) -> None:
        cls.class_tmp = Path(tempfile.mkdtemp(prefix="entrypoint-test-shared-")).resolve()
        cls.shared = copy_project(cls.class_tmp / "probe")

    @classmethod
    def tearDownClass(cls) -> None:
        shutil.rmtree(str(cls.class_tmp), ignore_errors=True)

    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="entrypoint-test-")).resolve()
        self.addCleanup(shutil.rmtree, str(self.tmp), ignore_errors=True)
        # A private copy, so no directory above the real file can pass for a Kedro project.
        (self.tmp / "bin").mkdir()
        self.entrypoint = self.tmp / "bin" / "entrypoint.py"
        shutil.copy(str(ENTRYPOINT), str(self.entrypoint))
        self.work = self.tmp / "work"  # the driver's working directory
        self.work.mkdir()
        self.probe_out = self.tmp / "probe-out"
        self.probe_out.mkdir()

    # --------------------------------------------------------------------------- helpers

    def base_env(self, env: Optional[Dict[str, Optional[str]]] = None) -> Dict[str, str]:
        """The driver's environment: the host's, without variables that would steer the
        entrypoint or the probe, telemetry off for Kedro; `env` adds, None removes."""
        full = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("KEDRO_", "PROBE_")) and k != "DO_NOT_TRACK"
        }
        full.update(KEDRO_DISABLE_TELEMETRY="true", DO_NOT_TRACK="1", PROBE_OUT=str(self.probe_out))
        for name, value in (env or {}).items():
            if value is None:
                full.pop(name, None)
            else:
                full[name] = value
        return full

    def run_entrypoint(
        self,
        *args: str,
        env: Optional[Dict[str, Optional[str]]] = None,
        entrypoint: Optional[Path] = None,
        merged: bool = False,
    ) -> subprocess.CompletedProcess:
        """Run the entrypoint to its end; with `merged`, stderr goes into stdout, as Dataproc
        collects the driver's output."""
        return subprocess.run(
            [sys.executable, str(entrypoint or self.entrypoint), *args],
            cwd=str(self.work),
            env=self.base_env(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if merged else subprocess.PIPE,
            universal_newlines=True,
            encoding="utf-8",
            timeout=120,
        )

    def run_shared(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        """Run the entrypoint on the shared copy of the probe."""
        return self.run_entrypoint("--code-dir", str(self.shared), *args, **kwargs)

    def context(self) -> Dict:
        """What the probe's hook recorded: Kedro ran the project."""
        path = self.probe_out / "context.json"
        self.assertTrue(path.is_file(), "Kedro did not get as far as creating the project's context")
        return json.loads(path.read_text(encoding="utf-8"))

    def assert_kedro_not_started(self) -> None:
        self.assertEqual(list(self.probe_out.iterdir()), [], "Kedro ran the project")

    def assert_ran(self, result: subprocess.CompletedProcess, argv: List[str], cwd: Path) -> Dict:
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        context = self.context()
        self.assertEqual(context["argv"], ["run", *argv])
        self.assertEqual(Path(context["cwd"]).resolve(), cwd.resolve())
        self.assertTrue((self.probe_out / "node.json").is_file(), "the pipeline's node did not run")
        self.assertEqual(last_line(result.stdout), LAST_LINE + "0")
        return context

    def assert_usage_error(self, result: subprocess.CompletedProcess, message: str) -> None:
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertIn(message, result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        self.assert_kedro_not_started()

    # ------------------------------------------------------------------------ arguments

    def test_arguments_after_double_dash_arrive_unchanged_and_nothing_executes(self) -> None:
        project = copy_project(self.work / "code")
        # Each would run `touch pwned` in Kedro's working directory if a shell saw it. All are
        # arguments real Kedro accepts, so it parses every one of them and runs the pipeline.
        kedro_env = "dev; touch pwned"
        (project / "conf" / kedro_env).mkdir()
        params = ",".join(
            [
                "a=1",
                "b=c d",
                'quote="x"',
                "single='y'",
                "cmd=x $(touch pwned)",
                "tick=x `touch pwned`",
                "semi=x; touch pwned",
                "pipe=x | touch pwned",
                "amp=x && touch pwned &",
                "nl=line1\nline2",
                "u=ünïcødé ✓",
            ]
        )
        args = [
            "--pipeline=data processing",
            f"--params={params}",
            "--env",
            kedro_env,
            "--tags",
            "",  # an empty item stays an item: a shell would drop it, and --tags take --runner
            "--runner",
            "SequentialRunner",
            "--",
        ]
        context = self.assert_ran(self.run_entrypoint("--", *args), args, project)
        self.assertEqual(context["kedro_env"], kedro_env)
        expected = {
            "greeting": "hello from conf/base",  # conf/base/parameters.yml
            "a": 1,
            "b": "c d",
            "quote": "x",
            "single": "y",
            "cmd": "x $(touch pwned)",
            "tick": "x `touch pwned`",
            "semi": "x; touch pwned",
            "pipe": "x | touch pwned",
            "amp": "x && touch pwned &",
            "nl": "line1 line2",  # Kedro reads parameter values as YAML, which folds lines
            "u": "ünïcødé ✓",
        }
        self.assertEqual(context["params"], expected)
        self.assertEqual(list(self.tmp.rglob("pwned")), [], "a run argument was executed by a shell")

    def test_kedro_refusing_its_arguments_is_kedros_own_exit(self) -> None:
        result = self.run_shared("--", "--no-such-option")
        self.assertEqual(result.returncode, 2)
        self.assertIn("No such option", result.stderr)  # Kedro's (click's) own message
        self.assertIn("--no-such-option", result.stderr)
        self.assertEqual(last_line(result.stdout), LAST_LINE + "2")

    def test_header_reports_versions_telemetry_and_the_command_as_json(self) -> None:
        result = self.run_shared("--", "--pipeline=x", "--params=a=b c")
        self.assertEqual(result.returncode, 0, result.stderr)
        header = header_lines(result.stdout)
        self.assertIn(f"{PREFIX} python {sys.version.split()[0]} ({sys.executable})", header)
        self.assertIn(f"{PREFIX} kedro {KEDRO}", header)
        self.assertIn(f"{PREFIX} code dir: {self.shared} (found via --code-dir)", header)
        self.assertTrue(any(line.startswith(f"{PREFIX} telemetry: ") for line in header), header)
        running = [line for line in header if line.startswith(f"{PREFIX} running: ")]
        self.assertEqual(
            json.loads(running[0][len(f"{PREFIX} running: ") :]),
            [sys.executable, "-m", "kedro", "run", "--pipeline=x", "--params=a=b c"],
        )

    def test_no_kedro_arguments_runs_plain_kedro_run(self) -> None:
        for args in ([], ["--"]):
            with self.subTest(args=args):
                shutil.rmtree(str(self.probe_out))
                self.probe_out.mkdir()
                self.assert_ran(self.run_shared(*args), [], self.shared)

    def test_legacy_kedro_run_args_is_split_like_a_shell(self) -> None:
        # As the guide's trigger delivers it: gcloud's shell already removed the outer quotes.
        legacy = (
            "--pipeline=my_kedro_pipeline --params='param1=10,param2=a b,cmd=\"$(touch pwned)\"' "
            '--tags=""'
        )
        result = self.run_shared(f"--kedro-run-args={legacy}")
        context = self.assert_ran(
            result,
            [
                "--pipeline=my_kedro_pipeline",
                '--params=param1=10,param2=a b,cmd="$(touch pwned)"',
                "--tags=",
            ],
            self.shared,
        )
        self.assertEqual(context["params"]["param1"], 10)
        self.assertEqual(context["params"]["param2"], "a b")
        self.assertEqual(context["params"]["cmd"], "$(touch pwned)")
        self.assertEqual(list(self.tmp.rglob("pwned")) + list(self.shared.rglob("pwned")), [])

    def test_legacy_value_wrapped_in_one_more_level_of_quotes_is_dequoted(self) -> None:
        result = self.run_shared("--kedro-run-args", "\"--pipeline=x --params='a=1,b=two words'\"")
        context = self.assert_ran(result, ["--pipeline=x", "--params=a=1,b=two words"], self.shared)
        self.assertEqual(context["params"]["b"], "two words")

    def test_legacy_and_double_dash_together_are_refused(self) -> None:
        result = self.run_shared("--kedro-run-args=--pipeline=x", "--", "--pipeline=y")
        self.assert_usage_error(result, "not both")

    def test_legacy_with_unbalanced_quotes_is_a_usage_error(self) -> None:
        result = self.run_shared("--kedro-run-args=--params='a=1")
        self.assert_usage_error(result, "not valid shell syntax")

    def test_kedro_arguments_without_double_dash_are_refused(self) -> None:
        result = self.run_shared("--pipeline=x")
        self.assert_usage_error(result, "after a `--`")

    def test_set_env_reaches_kedro(self) -> None:
        uri = "gs://out/feature-x/run 1"
        result = self.run_shared(
            "--set-env", f"KEDRO_DATAPROC_RUN_OUTPUT_URI={uri}", "--"
        )
        env = self.assert_ran(result, [], self.shared)["env"]
        self.assertEqual(env["KEDRO_DATAPROC_RUN_OUTPUT_URI"], uri)
        self.assertEqual(env["PYTHONUNBUFFERED"], "1")
        self.assertIn(f"{PREFIX} env KEDRO_DATAPROC_RUN_OUTPUT_URI={uri}", result.stdout)

    def test_set_env_with_a_bad_name_is_refused(self) -> None:
        result = self.run_shared("--set-env", "BAD NAME=1", "--")
        self.assert_usage_error(result, "--set-env expects NAME=VALUE")

    # ----------------------------------------------------------------------------- code

    def test_code_directory_from_the_archive_alias(self) -> None:
        project = copy_project(self.work / "code")
        (self.work / "code.zip").write_bytes(b"not even a zip: ./code wins")
        result = self.run_entrypoint("--", "--pipeline=x")
        self.assert_ran(result, ["--pipeline=x"], project)
        self.assertIn("found via ./code (archive code.zip#code)", result.stdout)

    def test_code_zip_is_extracted_into_code(self) -> None:
        zip_project(FIXTURE, self.work / "code.zip")
        result = self.run_entrypoint("--", "--params=a=1")
        self.assert_ran(result, ["--params=a=1"], self.work / "code")
        self.assertTrue((self.work / "code" / "conf" / "base" / "catalog.yml").is_file())
        self.assertFalse((self.work / "code.partial").exists())

    def test_archive_with_one_top_level_folder(self) -> None:
        zip_project(FIXTURE, self.work / "code.zip", prefix="probe-1.0/")
        self.assert_ran(self.run_entrypoint("--"), [], self.work / "code" / "probe-1.0")

    def test_code_zip_with_escaping_paths_is_refused(self) -> None:
        pyproject = (FIXTURE / "pyproject.toml").read_text(encoding="utf-8")
        for evil in ("../escaped.txt", "/tmp/entrypoint-test-absolute.txt", "a/../../escaped.txt"):
            with self.subTest(member=evil):
                with zipfile.ZipFile(str(self.work / "code.zip"), "w") as zf:
                    zf.writestr("pyproject.toml", pyproject)
                    zf.writestr(zipfile.ZipInfo(evil), "owned")
                result = self.run_entrypoint("--")
                self.assert_usage_error(result, "refusing to extract")
                self.assertFalse((self.tmp / "escaped.txt").exists())
                self.assertFalse((self.work / "code").exists())

    def test_code_zip_that_is_not_a_zip(self) -> None:
        (self.work / "code.zip").write_bytes(b"garbage")
        self.assert_usage_error(self.run_entrypoint("--"), "not a valid zip archive")

    def test_code_baked_into_the_image_next_to_the_entrypoint(self) -> None:
        project = copy_project(self.tmp / "home" / "kedro" / "code")
        baked = project / "deployment" / "dataproc" / "entrypoint.py"
        baked.parent.mkdir(parents=True)
        shutil.copy(str(ENTRYPOINT), str(baked))
        result = self.run_entrypoint("--", "--pipeline=x", entrypoint=baked)
        self.assert_ran(result, ["--pipeline=x"], project)
        self.assertIn("holding the entrypoint", result.stdout)

    def test_code_dir_from_environment(self) -> None:
        result = self.run_entrypoint("--", env={"KEDRO_DATAPROC_CODE_DIR": str(self.shared)})
        self.assert_ran(result, [], self.shared)
        self.assertIn("found via $KEDRO_DATAPROC_CODE_DIR", result.stdout)

    def test_code_dir_option(self) -> None:
        (self.work / "code").mkdir()  # ignored: --code-dir wins
        self.assert_ran(self.run_shared("--"), [], self.shared)

    def test_code_dir_option_that_does_not_exist(self) -> None:
        result = self.run_entrypoint("--code-dir", str(self.tmp / "nope"), "--")
        self.assert_usage_error(result, "is not a directory")

    def test_missing_code_is_a_clear_error(self) -> None:
        result = self.run_entrypoint("--", "--pipeline=x")
        self.assert_usage_error(result, "no Kedro project found")
        for place in ("code.zip#code", "code.zip", "KEDRO_DATAPROC_CODE_DIR", "[tool.kedro]"):
            self.assertIn(place, result.stderr)

    # -------------------------------------------------------------------- project version

    def test_project_made_for_another_kedro_major_is_one_clear_line(self) -> None:
        project = copy_project(self.work / "code", init_version="0.19.9")
        result = self.run_entrypoint("--", "--pipeline=x")
        self.assertEqual(result.returncode, 2)
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        line = result.stderr.strip()
        self.assertTrue(line.startswith(f"{PREFIX} error: "), line)
        for part in ("Kedro 0.19.9", f"Kedro is {KEDRO}", "kedro_init_version", "migrate", "image"):
            self.assertIn(part, line)
        self.assertNotIn(f"{PREFIX} running: ", result.stdout)
        self.assertEqual(last_line(result.stdout), LAST_LINE + "2 (Kedro did not start)")
        self.assert_kedro_not_started()

        # The premise: this Kedro itself refuses the project, only less readably.
        kedro = subprocess.run(
            [sys.executable, "-m", "kedro", "run"],
            cwd=str(project),
            env=self.base_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            universal_newlines=True,
            encoding="utf-8",
            timeout=120,
        )
        self.assertNotEqual(kedro.returncode, 0)
        self.assertIn("does not match Kedro package", " ".join(kedro.stdout.split()))
        self.assert_kedro_not_started()

    def test_project_of_the_same_kedro_major_runs(self) -> None:
        project = copy_project(self.work / "code", init_version="1.2.0")
        self.assert_ran(self.run_entrypoint("--"), [], project)

    def test_which_versions_kedro_refuses(self) -> None:
        cases = [
            # (kedro_init_version, installed Kedro, what differs or None)
            ("1.7.0", "1.7.0", None),
            ("1.2.0", "1.7.0", None),
            ("1.0.0", "1.7.0", None),
            ("0.19.9", "1.7.0", "major version"),
            ("2.0.0", "1.7.0", "major version"),
            ("1.0", "1.2.0rc1", None),
            # Before 1.2, Kedro wanted major and minor to match.
            ("0.19.1", "0.19.14", None),
            ("0.18.14", "0.19.14", "major or minor version"),
            ("1.0.0", "1.1.1", "major or minor version"),
            ("1.1.0", "1.1.1", None),
            ("0.19.9", "dev", None),  # cannot tell: leave it to Kedro
        ]
        for project, installed, differs in cases:
            with self.subTest(project=project, installed=installed):
                self.assertEqual(entrypoint.version_mismatch(project, installed), differs)

    def test_kedro_init_version_is_read_with_and_without_tomllib(self) -> None:
        cases = [
            ('[tool.kedro]\nkedro_init_version = "0.19.9"\n', "0.19.9"),
            ("[tool.kedro]\nkedro_init_version='1.7.0'  # made with\n", "1.7.0"),
            ('[tool.kedro] # ours\npackage_name = "p"\n  kedro_init_version   =   "1.2.0"\n', "1.2.0"),
            ('[ tool . "kedro" ]\n"kedro_init_version" = "1.0.0"\n', "1.0.0"),
            (
                '[tool.other]\nkedro_init_version = "9.9.9"\n[tool.kedro]\nkedro_init_version = "1.7.0"\n',
                "1.7.0",
            ),
            ('[tool.kedro]\npackage_name = "p"\n[tool.kedro.sub]\nkedro_init_version = "9.9.9"\n', None),
            ('[tool.kedro]\npackage_name = "p"\n', None),
            ('[project]\nname = "p"\n', None),
            ("", None),
        ]
        for text, expected in cases:
            with self.subTest(text=text):
                self.assertEqual(entrypoint.parse_init_version_fallback(text), expected)
                self.assertEqual(entrypoint.parse_init_version(text), expected)  # tomllib on 3.11+
        fixture = (FIXTURE / "pyproject.toml").read_text(encoding="utf-8")
        self.assertEqual(entrypoint.parse_init_version_fallback(fixture), "1.7.0")

    # ------------------------------------------------------------------------ telemetry

    def test_telemetry_is_turned_off_for_kedro_by_default(self) -> None:
        # Guard: this run lets neither variable through from the test, so the entrypoint under
        # test must set one before Kedro starts (and the probe's .telemetry is the backstop).
        decided: Dict[str, str] = {}
        entrypoint.apply_telemetry_default(decided)
        self.assertEqual(decided, {"KEDRO_DISABLE_TELEMETRY": "true"})
        self.assertIn("consent: false", (self.shared / ".telemetry").read_text(encoding="utf-8"))

        result = self.run_shared(
            env={"KEDRO_DISABLE_TELEMETRY": None, "DO_NOT_TRACK": None}
        )
        env = self.assert_ran(result, [], self.shared)["env"]
        self.assertEqual(env.get("KEDRO_DISABLE_TELEMETRY"), "true")
        self.assertNotIn("DO_NOT_TRACK", env)
        says = f"{PREFIX} telemetry: off (KEDRO_DISABLE_TELEMETRY=true set for Kedro"
        self.assertIn(says, result.stdout)

    def test_telemetry_is_left_to_the_user_who_set_a_variable(self) -> None:
        self.assertIn("consent: false", (self.shared / ".telemetry").read_text(encoding="utf-8"))
        cases = [
            # (driver environment, --set-env items, what Kedro must get, header says)
            (
                {"KEDRO_DISABLE_TELEMETRY": "", "DO_NOT_TRACK": None},
                [],
                {"KEDRO_DISABLE_TELEMETRY": ""},
                "not disabled",
            ),
            (
                {"KEDRO_DISABLE_TELEMETRY": None, "DO_NOT_TRACK": "1"},
                [],
                {"DO_NOT_TRACK": "1"},
                "off, as the environment says",
            ),
            (
                {"KEDRO_DISABLE_TELEMETRY": None, "DO_NOT_TRACK": None},
                ["--set-env", "KEDRO_DISABLE_TELEMETRY="],
                {"KEDRO_DISABLE_TELEMETRY": ""},
                "not disabled",
            ),
        ]
        for driver_env, set_env, expected, says in cases:
            with self.subTest(driver_env=driver_env, set_env=set_env):
                shutil.rmtree(str(self.probe_out))
                self.probe_out.mkdir()
                result = self.run_shared(*set_env, "--", env=driver_env)
                env = self.assert_ran(result, [], self.shared)["env"]
                observed = {k: v for k, v in env.items() if k in entrypoint.TELEMETRY_VARS}
                self.assertEqual(observed, expected)
                self.assertIn(f"{PREFIX} telemetry: {says}", result.stdout)

    # ---------------------------------------------------------------- the last line, always

    def test_every_path_before_kedro_ends_with_the_status_line(self) -> None:
        (self.work / "code.zip").write_text("not a zip", encoding="utf-8")
        cases = {
            "usage error": (["--no-such-flag"], 2),
            "bad --set-env": (["--set-env", "1BAD=x", "--"], 2),
            "bad code.zip": (["--"], 2),
            "--help": (["--help"], 0),
        }
        for name, (args, status) in cases.items():
            with self.subTest(name):
                result = self.run_entrypoint(*args, merged=True)
                self.assertEqual(result.returncode, status, result.stdout)
                self.assertEqual(
                    last_line(result.stdout), f"{LAST_LINE}{status} (Kedro did not start)"
                )
                self.assert_kedro_not_started()

    def test_a_crash_of_the_entrypoint_itself_ends_with_its_traceback_and_the_status_line(
        self,
    ) -> None:
        module = load_entrypoint()

        def crash(argv: object) -> int:
            raise RuntimeError("the entrypoint broke")

        module.start = crash
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = module.main([])
        self.assertEqual(status, 1)
        self.assertIn("RuntimeError: the entrypoint broke", err.getvalue())
        self.assertEqual(last_line(out.getvalue()), LAST_LINE + "1 (Kedro did not start)")

    # ------------------------------------------------------------------- pipeline report

    def pipeline_report(self, output: str) -> Dict:
        lines = [line for line in output.splitlines() if line.startswith(REPORT)]
        self.assertEqual(len(lines), 1, output)
        return json.loads(lines[0][len(REPORT) :])

    def test_a_successful_run_reports_every_node_completed_with_its_datasets_and_time(
        self,
    ) -> None:
        result = self.run_shared("--", "--pipeline=chain", env={"PROBE_SLEEP": "0.3"})
        self.assertEqual(result.returncode, 0, result.stderr)
        report = self.pipeline_report(result.stdout)
        self.assertEqual(report["total"], 2)
        probe, after = report["nodes"]
        self.assertEqual(
            {k: probe[k] for k in ("name", "inputs", "outputs", "status")},
            {"name": "probe", "inputs": [], "outputs": ["probe_done"], "status": "completed"},
        )
        self.assertGreaterEqual(probe["seconds"], 0.3)
        self.assertEqual((after["name"], after["inputs"]), ("after", ["probe_done"]))
        self.assertEqual(after["status"], "completed")
        # The report comes before the last line, which stays last.
        lines = [line for line in result.stdout.splitlines() if line.strip()]
        self.assertTrue(lines[-2].startswith(REPORT))
        self.assertEqual(lines[-1], LAST_LINE + "0")

    def test_a_failing_node_is_reported_with_the_line_that_raised_and_the_rest_not_run(
        self,
    ) -> None:
        result = self.run_shared("--", "--pipeline=chain", env={"PROBE_RAISE": "on purpose"})
        self.assertEqual(result.returncode, 1, result.stderr)
        probe, after = self.pipeline_report(result.stdout)["nodes"]
        nodes = FIXTURE / "src" / "probe" / "nodes.py"
        raising = next(
            number
            for number, line in enumerate(nodes.read_text(encoding="utf-8").splitlines(), 1)
            if "raise RuntimeError" in line
        )
        self.assertEqual(probe["status"], "failed")
        self.assertEqual(probe["error"], "RuntimeError: on purpose")
        self.assertEqual((probe["file"], probe["line"]), ("src/probe/nodes.py", raising))
        self.assertEqual(after["status"], "not run")
        self.assertEqual(last_line(result.stdout), LAST_LINE + "1")

    def test_the_report_names_the_innermost_exception(self) -> None:
        module = load_entrypoint()
        try:
            try:
                raise ModuleNotFoundError("No module named 'matplotlib'")
            except ImportError as exc:
                raise ImportError("An error occurred while importing a module.") from exc
        except ImportError as outer:
            self.assertEqual(
                module.exception_text(module.innermost(outer)),
                "ModuleNotFoundError: No module named 'matplotlib'",
            )

    def test_the_place_is_the_innermost_line_of_the_project_own_code(self) -> None:
        module = load_entrypoint()
        root = self.tmp / "project"
        (root / "src").mkdir(parents=True)
        (root / ".venv" / "lib" / "site-packages").mkdir(parents=True)
        library = root / ".venv" / "lib" / "site-packages" / "lib.py"
        library.write_text("def call(f):\n    return f()\n", encoding="utf-8")
        node = root / "src" / "node.py"
        node.write_text(
            "def inner():\n    exec(compile('raise ValueError(1)', '<string>', 'exec'))\n"
            "def outer(call):\n    return call(inner)\n",
            encoding="utf-8",
        )
        # From the project directory, as Kedro runs: `<string>` would resolve inside it.
        self.addCleanup(os.chdir, os.getcwd())
        os.chdir(str(root))
        scope: Dict[str, object] = {}
        exec(compile(library.read_text(encoding="utf-8"), str(library), "exec"), scope)
        exec(compile(node.read_text(encoding="utf-8"), str(node), "exec"), scope)
        try:
            scope["outer"](scope["call"])  # type: ignore[operator]
        except ValueError as error:
            self.assertEqual(module.raised_at(error, root), {"file": "src/node.py", "line": 2})

    def test_report_events_fold_into_statuses_even_when_cut_short(self) -> None:
        module = load_entrypoint()
        events = self.tmp / "events.jsonl"
        nodes = [{"name": n, "inputs": [], "outputs": []} for n in ("a", "b", "c")]
        lines = [
            {"event": "pipeline", "nodes": nodes, "total": 5},
            {"event": "start", "node": "a"},
            {"event": "end", "node": "a", "seconds": 1.5},
            {"event": "start", "node": "b"},  # killed while b ran
        ]
        events.write_text(
            "".join(json.dumps(line) + "\n" for line in lines) + '{"event": "end", "no',
            encoding="utf-8",
        )
        report = module.read_report(events)
        self.assertEqual(report["total"], 5)
        self.assertEqual(
            [(n["name"], n["status"]) for n in report["nodes"]],
            [("a", "completed"), ("b", "failed"), ("c", "not run")],
        )
        self.assertEqual(report["nodes"][0]["seconds"], 1.5)
        self.assertIsNone(module.read_report(self.tmp / "missing.jsonl"))

    # ----------------------------------------------------------------------- exit codes

    def test_exit_codes_propagate(self) -> None:
        for probe_env, code in (
            ({"PROBE_EXIT": "3"}, 3),
            ({"PROBE_RAISE": "probe failed on purpose"}, 1),
        ):
            with self.subTest(env=probe_env):
                result = self.run_shared(env=probe_env)
                self.assertEqual(result.returncode, code, result.stderr)
                self.assertEqual(last_line(result.stdout), LAST_LINE + str(code))
        self.assertIn("probe failed on purpose", result.stderr)  # Kedro's own report

    def test_last_line_of_the_whole_output_is_the_exit_status(self) -> None:
        # Kedro's traceback goes to stderr; the driver's output holds both streams, so the
        # line must come after everything Kedro wrote to either.
        result = self.run_shared(env={"PROBE_RAISE": "boom"}, merged=True)
        self.assertEqual(result.returncode, 1)
        self.assertIn("RuntimeError: boom", result.stdout)
        self.assertEqual(last_line(result.stdout), LAST_LINE + "1")
        self.assertEqual(result.stdout.count(LAST_LINE), 1)

    def test_death_by_signal_exits_128_plus_n(self) -> None:
        result = self.run_shared(env={"PROBE_SIGNAL": str(int(signal.SIGKILL))})
        self.assertEqual(result.returncode, 128 + signal.SIGKILL)
        self.assertEqual(last_line(result.stdout), LAST_LINE + "137 (killed by SIGKILL)")

    def test_sigterm_is_forwarded_to_kedro(self) -> None:
        # How Dataproc cancels a batch. Kedro leaves SIGTERM's default action: it dies of it.
        output = self.interrupt_kedro(signal.SIGTERM, 128 + signal.SIGTERM)
        self.assertEqual(last_line(output), f"{LAST_LINE}{128 + signal.SIGTERM} (killed by SIGTERM)")

    def test_sigint_is_forwarded_to_kedro(self) -> None:
        # Ctrl-C on a local run. Python turns it into KeyboardInterrupt, which Kedro's command
        # line (click) reports as "Aborted!" with status 1.
        output = self.interrupt_kedro(signal.SIGINT, 1)
        self.assertIn("Aborted!", output)
        self.assertEqual(last_line(output), LAST_LINE + "1")

    def interrupt_kedro(self, signum: signal.Signals, expected_status: int) -> str:
        """Send `signum` to the entrypoint while Kedro runs a node; return the output."""
        output = self.tmp / "output.txt"
        with output.open("w") as out:
            proc = subprocess.Popen(
                [sys.executable, str(self.entrypoint), "--code-dir", str(self.shared), "--"],
                cwd=str(self.work),
                env=self.base_env({"PROBE_SLEEP": "60"}),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        node = self.probe_out / "node.json"
        deadline = time.monotonic() + 60
        while not node.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        self.assertTrue(node.exists(), "Kedro never started the node")
        kedro_pid = json.loads(node.read_text(encoding="utf-8"))["pid"]
        self.addCleanup(kill_if_running, kedro_pid)  # should the entrypoint leave it behind
        started = time.monotonic()
        proc.send_signal(signum)
        status = proc.wait(timeout=30)
        self.assertLess(time.monotonic() - started, 15)
        # Kedro's status from an entrypoint that lived on to report it: had the entrypoint
        # died of the signal itself, the status would be -N.
        text = output.read_text(encoding="utf-8")
        self.assertEqual(status, expected_status, text)
        with self.assertRaises(ProcessLookupError, msg="Kedro still runs after the driver ended"):
            os.kill(kedro_pid, 0)
        return text


if __name__ == "__main__":
    unittest.main()
