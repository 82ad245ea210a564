"""Tests for entrypoint.py: python3 -m unittest discover -s entrypoint -p 'test_*.py'

Each test runs the entrypoint as Dataproc does (a separate Python process) against a fake
`kedro` package on PYTHONPATH that records the argv and cwd it was started with.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest
import zipfile
from pathlib import Path
from typing import Dict, List, Optional

ENTRYPOINT = Path(__file__).resolve().parent / "entrypoint.py"

FAKE_KEDRO_MAIN = textwrap.dedent(
    """
    import json, os, signal, sys, time
    with open(os.environ["FAKE_KEDRO_OUT"], "w") as out:
        json.dump({
            "argv": sys.argv[1:],
            "cwd": os.getcwd(),
            "env": {k: v for k, v in os.environ.items() if k.startswith(("KEDRO_", "PYTHONUNBUFFERED"))},
        }, out)
    if os.environ.get("FAKE_KEDRO_SIGNAL"):
        os.kill(os.getpid(), int(os.environ["FAKE_KEDRO_SIGNAL"]))
    if os.environ.get("FAKE_KEDRO_SLEEP"):
        def stop(signum, frame):
            open(os.environ["FAKE_KEDRO_OUT"] + ".signal", "w").write(str(signum))
            sys.exit(128 + signum)
        signal.signal(signal.SIGTERM, stop)
        time.sleep(float(os.environ["FAKE_KEDRO_SLEEP"]))
    sys.exit(int(os.environ.get("FAKE_KEDRO_EXIT", "0")))
    """
)

PYPROJECT = '[project]\nname = "demo"\n\n[tool.kedro]\npackage_name = "demo"\nproject_name = "demo"\n'


def make_project(path: Path) -> Path:
    (path / "conf" / "base").mkdir(parents=True)
    (path / "pyproject.toml").write_text(PYPROJECT)
    (path / "conf" / "base" / "catalog.yml").write_text("{}\n")
    return path


class EntrypointTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="entrypoint-test-")).resolve()
        self.addCleanup(shutil.rmtree, str(self.tmp), ignore_errors=True)
        fake = self.tmp / "fake" / "kedro"
        fake.mkdir(parents=True)
        (fake / "__init__.py").write_text("")
        (fake / "__main__.py").write_text(FAKE_KEDRO_MAIN)
        # A private copy, so no directory above the real file can pass for a Kedro project.
        (self.tmp / "bin").mkdir()
        self.entrypoint = self.tmp / "bin" / "entrypoint.py"
        shutil.copy(str(ENTRYPOINT), str(self.entrypoint))
        self.work = self.tmp / "work"  # the driver's working directory
        self.work.mkdir()
        self.out = self.tmp / "kedro-call.json"

    def run_entrypoint(
        self,
        *args: str,
        env: Optional[Dict[str, str]] = None,
        entrypoint: Optional[Path] = None,
    ) -> subprocess.CompletedProcess:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("KEDRO_DATAPROC_")}
        full_env.update(PYTHONPATH=str(self.tmp / "fake"), FAKE_KEDRO_OUT=str(self.out))
        full_env.update(env or {})
        return subprocess.run(
            [sys.executable, str(entrypoint or self.entrypoint), *args],
            cwd=str(self.work),
            env=full_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            universal_newlines=True,
            timeout=60,
        )

    def kedro_call(self) -> Dict:
        return json.loads(self.out.read_text())

    def assert_ran(self, result: subprocess.CompletedProcess, argv: List[str], cwd: Path) -> None:
        self.assertEqual(result.returncode, 0, result.stderr)
        call = self.kedro_call()
        self.assertEqual(call["argv"], ["run", *argv])
        self.assertEqual(Path(call["cwd"]).resolve(), cwd.resolve())

    # ------------------------------------------------------------------------ arguments

    def test_arguments_after_double_dash_arrive_unchanged_and_nothing_executes(self) -> None:
        project = make_project(self.work / "code")
        marker = self.tmp / "pwned"
        args = [
            "--pipeline=data processing",
            "--params=a=1,b=c d,quote=\"x\",single='y'",
            f"--params=cmd=$(touch {marker})",
            f"--tags=`touch {marker}`",
            f"--env=dev; touch {marker}",
            f"--nodes=a | touch {marker}",
            f"--to-outputs=x && touch {marker} &",
            "--from-inputs=line1\nline2",
            "--namespace=*",
            "",
            "--runner", "Sequential Runner",
            "ünïcødé=✓",
            "--",
        ]
        result = self.run_entrypoint("--", *args)
        self.assert_ran(result, args, project)
        self.assertFalse(marker.exists(), "a run argument was executed by a shell")

    def test_header_reports_the_command_as_json(self) -> None:
        make_project(self.work / "code")
        result = self.run_entrypoint("--", "--pipeline=x", "--params=a=b c")
        header = [line for line in result.stdout.splitlines() if line.startswith("[kedro-dataproc]")]
        self.assertTrue(any(line.startswith("[kedro-dataproc] python ") for line in header), header)
        self.assertTrue(any(line.startswith("[kedro-dataproc] kedro not installed") for line in header))
        running = [line for line in header if line.startswith("[kedro-dataproc] running: ")]
        self.assertEqual(
            json.loads(running[0][len("[kedro-dataproc] running: ") :]),
            [sys.executable, "-m", "kedro", "run", "--pipeline=x", "--params=a=b c"],
        )

    def test_no_kedro_arguments_runs_plain_kedro_run(self) -> None:
        project = make_project(self.work / "code")
        self.assert_ran(self.run_entrypoint(), [], project)
        self.assert_ran(self.run_entrypoint("--"), [], project)

    def test_legacy_kedro_run_args_is_split_like_a_shell(self) -> None:
        project = make_project(self.work / "code")
        marker = self.tmp / "pwned"
        # As the guide's trigger delivers it: gcloud's shell already removed the outer quotes.
        legacy = f"--pipeline=my_kedro_pipeline --params='param1=10,param2=a b' --tags=\"$(touch {marker})\""
        result = self.run_entrypoint(f"--kedro-run-args={legacy}")
        self.assert_ran(
            result,
            ["--pipeline=my_kedro_pipeline", "--params=param1=10,param2=a b", f"--tags=$(touch {marker})"],
            project,
        )
        self.assertFalse(marker.exists())

    def test_legacy_value_wrapped_in_one_more_level_of_quotes_is_dequoted(self) -> None:
        project = make_project(self.work / "code")
        result = self.run_entrypoint("--kedro-run-args", "\"--pipeline=x --params='a=1,b=two words'\"")
        self.assert_ran(result, ["--pipeline=x", "--params=a=1,b=two words"], project)

    def test_legacy_and_double_dash_together_are_refused(self) -> None:
        make_project(self.work / "code")
        result = self.run_entrypoint("--kedro-run-args=--pipeline=x", "--", "--pipeline=y")
        self.assertEqual(result.returncode, 2)
        self.assertIn("not both", result.stderr)
        self.assertFalse(self.out.exists())

    def test_legacy_with_unbalanced_quotes_is_a_usage_error(self) -> None:
        make_project(self.work / "code")
        result = self.run_entrypoint("--kedro-run-args=--params='a=1")
        self.assertEqual(result.returncode, 2)
        self.assertIn("not valid shell syntax", result.stderr)
        self.assertFalse(self.out.exists())

    def test_kedro_arguments_without_double_dash_are_refused(self) -> None:
        make_project(self.work / "code")
        result = self.run_entrypoint("--pipeline=x")
        self.assertEqual(result.returncode, 2)
        self.assertIn("after a `--`", result.stderr)
        self.assertFalse(self.out.exists())

    def test_set_env_reaches_kedro(self) -> None:
        make_project(self.work / "code")
        uri = "gs://out/feature-x/run 1"
        result = self.run_entrypoint("--set-env", f"KEDRO_DATAPROC_RUN_OUTPUT_URI={uri}", "--")
        self.assertEqual(result.returncode, 0, result.stderr)
        env = self.kedro_call()["env"]
        self.assertEqual(env["KEDRO_DATAPROC_RUN_OUTPUT_URI"], uri)
        self.assertEqual(env["PYTHONUNBUFFERED"], "1")
        self.assertIn(f"[kedro-dataproc] env KEDRO_DATAPROC_RUN_OUTPUT_URI={uri}", result.stdout)

    def test_set_env_with_a_bad_name_is_refused(self) -> None:
        make_project(self.work / "code")
        result = self.run_entrypoint("--set-env", "BAD NAME=1", "--")
        self.assertEqual(result.returncode, 2)
        self.assertFalse(self.out.exists())

    # ----------------------------------------------------------------------------- code

    def test_code_directory_from_the_archive_alias(self) -> None:
        project = make_project(self.work / "code")
        (self.work / "code.zip").write_bytes(b"not even a zip: ./code wins")
        self.assert_ran(self.run_entrypoint("--", "--pipeline=x"), ["--pipeline=x"], project)

    def test_code_zip_is_extracted_into_code(self) -> None:
        source = make_project(self.tmp / "src-project")
        with zipfile.ZipFile(str(self.work / "code.zip"), "w") as zf:
            for path in source.rglob("*"):
                zf.write(str(path), str(path.relative_to(source)))
        result = self.run_entrypoint("--", "--params=a=1")
        self.assert_ran(result, ["--params=a=1"], self.work / "code")
        self.assertTrue((self.work / "code" / "conf" / "base" / "catalog.yml").is_file())
        self.assertFalse((self.work / "code.partial").exists())

    def test_archive_with_one_top_level_folder(self) -> None:
        source = make_project(self.tmp / "src-project")
        with zipfile.ZipFile(str(self.work / "code.zip"), "w") as zf:
            for path in source.rglob("*"):
                zf.write(str(path), "demo-1.0/" + str(path.relative_to(source)))
        self.assert_ran(self.run_entrypoint("--"), [], self.work / "code" / "demo-1.0")

    def test_code_zip_with_escaping_paths_is_refused(self) -> None:
        for evil in ("../escaped.txt", "/tmp/entrypoint-test-absolute.txt", "a/../../escaped.txt"):
            with self.subTest(member=evil):
                with zipfile.ZipFile(str(self.work / "code.zip"), "w") as zf:
                    zf.writestr("pyproject.toml", PYPROJECT)
                    zf.writestr(zipfile.ZipInfo(evil), "owned")
                result = self.run_entrypoint("--")
                self.assertEqual(result.returncode, 2)
                self.assertIn("refusing to extract", result.stderr)
                self.assertFalse((self.tmp / "escaped.txt").exists())
                self.assertFalse((self.work / "code").exists())
                self.assertFalse(self.out.exists())

    def test_code_zip_that_is_not_a_zip(self) -> None:
        (self.work / "code.zip").write_bytes(b"garbage")
        result = self.run_entrypoint("--")
        self.assertEqual(result.returncode, 2)
        self.assertIn("not a valid zip archive", result.stderr)

    def test_code_baked_into_the_image_next_to_the_entrypoint(self) -> None:
        project = make_project(self.tmp / "home" / "kedro" / "code")
        baked = project / "deployment" / "dataproc" / "entrypoint.py"
        baked.parent.mkdir(parents=True)
        shutil.copy(str(ENTRYPOINT), str(baked))
        result = self.run_entrypoint("--", "--pipeline=x", entrypoint=baked)
        self.assert_ran(result, ["--pipeline=x"], project)
        self.assertIn("holding the entrypoint", result.stdout)

    def test_code_dir_from_environment(self) -> None:
        project = make_project(self.tmp / "image-code")
        result = self.run_entrypoint("--", env={"KEDRO_DATAPROC_CODE_DIR": str(project)})
        self.assert_ran(result, [], project)

    def test_code_dir_option(self) -> None:
        project = make_project(self.tmp / "elsewhere")
        make_project(self.work / "code")  # ignored: --code-dir wins
        self.assert_ran(self.run_entrypoint("--code-dir", str(project), "--"), [], project)

    def test_code_dir_option_that_does_not_exist(self) -> None:
        result = self.run_entrypoint("--code-dir", str(self.tmp / "nope"), "--")
        self.assertEqual(result.returncode, 2)
        self.assertIn("is not a directory", result.stderr)

    def test_missing_code_is_a_clear_error(self) -> None:
        result = self.run_entrypoint("--", "--pipeline=x")
        self.assertEqual(result.returncode, 2)
        self.assertIn("no Kedro project found", result.stderr)
        for place in ("code.zip#code", "code.zip", "KEDRO_DATAPROC_CODE_DIR", "[tool.kedro]"):
            self.assertIn(place, result.stderr)
        self.assertFalse(self.out.exists())

    # ----------------------------------------------------------------------- exit codes

    def test_exit_codes_propagate(self) -> None:
        make_project(self.work / "code")
        for code in (0, 3):
            with self.subTest(code=code):
                result = self.run_entrypoint("--", env={"FAKE_KEDRO_EXIT": str(code)})
                self.assertEqual(result.returncode, code)

    def test_death_by_signal_exits_128_plus_n(self) -> None:
        make_project(self.work / "code")
        result = self.run_entrypoint("--", env={"FAKE_KEDRO_SIGNAL": str(int(signal.SIGTERM))})
        self.assertEqual(result.returncode, 128 + signal.SIGTERM)

    def test_sigterm_is_forwarded_to_kedro(self) -> None:
        make_project(self.work / "code")
        env = {k: v for k, v in os.environ.items() if not k.startswith("KEDRO_DATAPROC_")}
        env.update(PYTHONPATH=str(self.tmp / "fake"), FAKE_KEDRO_OUT=str(self.out), FAKE_KEDRO_SLEEP="30")
        proc = subprocess.Popen(
            [sys.executable, str(self.entrypoint), "--"],
            cwd=str(self.work),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        deadline = time.monotonic() + 20
        while not self.out.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertTrue(self.out.exists(), "kedro never started")
        time.sleep(0.2)  # let the fake install its SIGTERM handler
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(timeout=20), 128 + signal.SIGTERM)
        self.assertLess(time.monotonic() - started, 10)
        self.assertEqual(Path(str(self.out) + ".signal").read_text(), str(int(signal.SIGTERM)))


if __name__ == "__main__":
    unittest.main()
