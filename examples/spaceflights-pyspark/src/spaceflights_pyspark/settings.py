"""Project settings. See https://docs.kedro.org/en/1.7.0/configure/configuration_basics.html"""

from kedro.config import OmegaConfigLoader
from omegaconf.resolvers import oc

from spaceflights_pyspark.hooks import SparkHooks

# Creates the SparkSession from conf/*/spark.yml before any node runs.
HOOKS = (SparkHooks(),)

CONFIG_LOADER_CLASS = OmegaConfigLoader
CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    # Makes conf/*/spark.yml available as config_loader["spark"] (used in hooks.py).
    "config_patterns": {
        "spark": ["spark*", "spark*/**"],
    },
    # Kedro only resolves ${oc.env:...} in credentials. Registering it here lets the catalog
    # read KEDRO_DATAPROC_RUN_OUTPUT_URI, the output prefix kedro-dataproc-action sets.
    "custom_resolvers": {
        "oc.env": oc.env,
    },
}
