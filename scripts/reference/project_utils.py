"""The `project_utils.load_project_config` that the guide's submit_batches.py imports.

The guide leaves this module to the reader ("Define your own project_utils module to store common
functions"). This one reads the per-environment configuration from the JSON file named by
REFERENCE_PROJECT_CONFIG, which the benchmark (scripts/bench.ts) writes with the local stack's names.
"""

import json
import os


def load_project_config():
    with open(os.environ["REFERENCE_PROJECT_CONFIG"], encoding="utf-8") as handle:
        return json.load(handle)
