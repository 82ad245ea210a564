"""Tests for the kedro stand-in: python3 -m unittest discover -s emulators/kedro-standin -p 'test_*.py'"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path
from typing import Dict, Optional

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parents[1] / "examples" / "spaceflights-pyspark"
NOT_FOUND = (
    "Failed to find the pipeline named '{}'. It needs to be generated and returned by the "
    "'register_pipelines' function."
)


def run_kedro(
    cwd: Path, *args: str, env: Optional[Dict[str, str]] = None
) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("KEDRO_", "PYTHONPATH"))}
    full_env["PYTHONPATH"] = str(HERE)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "kedro", *args],
        cwd=str(cwd),
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        universal_newlines=True,
        timeout=60,
    )


class StandInRunTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="kedro-standin-test-")).resolve()
        self.addCleanup(shutil.rmtree, str(self.tmp), ignore_errors=True)
        self.project = self.tmp / "project"
        shutil.copytree(str(EXAMPLE), str(self.project))

    def test_runs_the_selected_pipeline(self) -> None:
        env = {
            "KEDRO_DATAPROC_RUN_ID": "run-1",
            "KEDRO_DATAPROC_RUN_OUTPUT_URI": "gs://out/feature-x/run-1",
        }
        result = run_kedro(
            self.project, "run", "--pipeline=data_processing", "--params=a=1", env=env
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        out = result.stdout
        self.assertIn("Kedro is not installed here", out.splitlines()[0])
        self.assertIn('argv ["run", "--pipeline=data_processing", "--params=a=1"]', out)
        self.assertIn(f"cwd {self.project}", out)
        for function in ("preprocess_companies", "preprocess_shuttles", "create_model_input_table"):
            self.assertIn(f"stand-in: would run node {function} ", out)
        self.assertNotIn("top_companies", out)
        self.assertIn("stand-in: KEDRO_DATAPROC_RUN_ID=run-1", out)
        self.assertIn("stand-in: KEDRO_DATAPROC_RUN_OUTPUT_URI=gs://out/feature-x/run-1", out)
        self.assertNotIn("KEDRO_DATAPROC_BRANCH", out)

    def test_default_pipeline_runs_every_pipeline(self) -> None:
        result = run_kedro(self.project, "run")
        self.assertEqual(result.returncode, 0, result.stderr)
        for function in ("preprocess_companies", "passenger_capacity_by_type", "top_companies"):
            self.assertIn(f"would run node {function} ", result.stdout)

    def test_pipeline_option_spellings(self) -> None:
        for args in (
            ["--pipeline", "reporting"],
            ["-p", "reporting"],
            ["-preporting"],
            ["--pipelines=reporting"],
            ["--pipelines", "reporting,__default__"],
        ):
            with self.subTest(args=args):
                result = run_kedro(self.project, "run", *args)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertIn("would run node top_companies ", result.stdout)

    def test_unknown_pipeline_fails_like_kedro(self) -> None:
        for args in (["--pipeline=nope"], ["--pipelines=reporting,nope"]):
            with self.subTest(args=args):
                result = run_kedro(self.project, "run", *args)
                self.assertEqual(result.returncode, 1)
                self.assertIn("ValueError: " + NOT_FOUND.format("nope"), result.stderr)

    def test_colon_params_fail_like_kedro_0_19(self) -> None:
        result = run_kedro(self.project, "run", "--params=param1:10,param2=a")
        self.assertEqual(result.returncode, 2)
        self.assertIn(
            "Error: Invalid format of `params` option: Item `param1:10` must contain a key "
            "and a value separated by `=`.",
            result.stderr,
        )

    def test_empty_params_key_fails(self) -> None:
        result = run_kedro(self.project, "run", "--params", " =1")
        self.assertEqual(result.returncode, 2)
        self.assertIn("Parameter key cannot be an empty string.", result.stderr)

    def test_params_nest_and_are_typed(self) -> None:
        result = run_kedro(
            self.project, "run", "--params=reporting.top_n_companies=5, name=a b,flag=true"
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(
            'runtime params {"flag": true, "name": "a b", "reporting": {"top_n_companies": 5}}',
            result.stdout,
        )

    def test_unknown_option_and_extra_argument_are_usage_errors(self) -> None:
        result = run_kedro(self.project, "run", "--bogus=1")
        self.assertEqual(result.returncode, 2)
        self.assertIn("Error: No such option: --bogus", result.stderr)
        result = run_kedro(self.project, "run", "extra")
        self.assertEqual(result.returncode, 2)
        self.assertIn("Got unexpected extra argument (extra)", result.stderr)

    def test_missing_configuration_environment(self) -> None:
        result = run_kedro(self.project, "run", "--env=prod")
        self.assertEqual(result.returncode, 1)
        self.assertIn("MissingConfigException", result.stderr)
        self.assertIn(str(self.project / "conf" / "prod"), result.stderr)
        shutil.rmtree(str(self.project / "conf" / "local"))
        result = run_kedro(self.project, "run")
        self.assertEqual(result.returncode, 1)
        self.assertIn(str(self.project / "conf" / "local"), result.stderr)

    def test_not_a_kedro_project(self) -> None:
        plain = self.tmp / "plain"
        plain.mkdir()
        (plain / "pyproject.toml").write_text('[project]\nname = "x"\n')
        result = run_kedro(plain, "run", "--pipeline=x")
        self.assertEqual(result.returncode, 2)
        self.assertIn("Kedro project not found in this directory.", result.stderr)
        self.assertIn("Could not find the project configuration file 'pyproject.toml'", result.stderr)

    def test_project_found_from_a_subdirectory(self) -> None:
        result = run_kedro(self.project / "conf" / "base", "run", "--pipeline=reporting")
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_missing_metadata_keys(self) -> None:
        (self.project / "pyproject.toml").write_text('[tool.kedro]\npackage_name = "x"\n')
        result = run_kedro(self.project, "run")
        self.assertEqual(result.returncode, 1)
        self.assertIn(
            "Missing required keys ['project_name', 'kedro_init_version'] from 'pyproject.toml'.",
            result.stderr,
        )

    def test_pipeline_without_create_pipeline_is_not_registered(self) -> None:
        broken = self.project / "src" / "spaceflights_pyspark" / "pipelines" / "broken"
        broken.mkdir()
        (broken / "__init__.py").write_text("")
        result = run_kedro(self.project, "run", "--pipeline=broken")
        self.assertEqual(result.returncode, 1)
        self.assertIn(NOT_FOUND.format("broken"), result.stderr)

    def test_version_and_info(self) -> None:
        result = run_kedro(self.tmp, "--version")
        self.assertEqual(result.returncode, 0)
        self.assertIn("kedro, version 0.19.0+standin", result.stdout)
        result = run_kedro(self.tmp, "info")
        self.assertEqual(result.returncode, 0)
        self.assertIn("not Kedro", result.stdout)


class StandInUnitTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        sys.path.insert(0, str(HERE))
        cls.cli = importlib.import_module("kedro.__main__")

    @classmethod
    def tearDownClass(cls) -> None:
        sys.path.remove(str(HERE))

    def test_tool_kedro_fallback_parser(self) -> None:
        text = textwrap.dedent(
            """
            [project]
            name = "other"
            [tool.kedro]
            package_name = "pkg"  # comment
            project_name = 'Pkg'
            [tool.other]
            package_name = "wrong"
            """
        )
        self.assertEqual(
            self.cli.read_tool_kedro_fallback(text), {"package_name": "pkg", "project_name": "Pkg"}
        )

    def test_params_values(self) -> None:
        self.assertEqual(
            self.cli.parse_params("a=1,b=2.5,c=x=y,d=,e.f.g=null"),
            {"a": 1, "b": 2.5, "c": "x=y", "d": None, "e": {"f": {"g": None}}},
        )


if __name__ == "__main__":
    unittest.main()
