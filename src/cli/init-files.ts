/** What `kedro-dataproc init` writes into a project: the files, and the blocks it adds. */

/** The image for Dataproc's custom containers (the example project's, with its stages). */
export const DOCKERFILE = `# syntax=docker/dockerfile:1
# Written by kedro-dataproc init: the image for Dataproc Serverless's custom containers
# (linux/amd64). Dataproc mounts Spark, PySpark and a JDK at run time, so the image bundles none
# of them: keep pyspark out of requirements.txt.
# https://cloud.google.com/dataproc-serverless/docs/guides/custom-containers

# ---------------------------------------------------------------- base: OS and libraries
FROM python:3.11-slim AS base

# (Required) utilities that Spark's launch scripts use.
RUN apt-get update \\
    && apt-get install -y --no-install-recommends procps tini \\
    && rm -rf /var/lib/apt/lists/*

# Driver and executors run this interpreter instead of Dataproc's own conda Python.
ENV PYSPARK_PYTHON=/usr/local/bin/python \\
    PYSPARK_DRIVER_PYTHON=/usr/local/bin/python \\
    PYTHONUNBUFFERED=1 \\
    PIP_NO_CACHE_DIR=1 \\
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Extra jars (connectors, JDBC drivers) go here; Dataproc adds them to Spark's classpath.
ENV SPARK_EXTRA_JARS_DIR=/opt/spark/jars/ \\
    SPARK_EXTRA_CLASSPATH="/opt/spark/jars/*"
RUN mkdir -p "\${SPARK_EXTRA_JARS_DIR}"

# (Required) the \`spark\` user and group, UID and GID 1099, with a home directory.
RUN groupadd -g 1099 spark \\
    && useradd -u 1099 -g 1099 -d /home/spark -m -s /bin/bash spark

# Libraries only. Copying requirements.txt alone keeps this layer cached across code changes.
COPY requirements.txt /tmp/requirements.txt
RUN pip install -r /tmp/requirements.txt && rm /tmp/requirements.txt

RUN mkdir -p /home/kedro && chown spark:spark /home/kedro
WORKDIR /home/kedro
USER spark

# ----------------------------------------------------------------- dev: libraries only
# kedro-dataproc-action ships the code of each run as code.zip#code, and its own entrypoint
# as the batch's main file, so a dev image is reused until requirements.txt changes.
FROM base AS dev

# ------------------------------------------------------------- prod: libraries and code
# The release's code is baked in. The action still uploads its entrypoint as the main file;
# the entrypoint finds the code through KEDRO_DATAPROC_CODE_DIR.
FROM base AS prod
COPY --chown=spark:spark . /home/kedro/code
ENV KEDRO_DATAPROC_CODE_DIR=/home/kedro/code
`

export const DOCKERIGNORE = `# Written by kedro-dataproc init: the build context of the Dataproc image.
.git
.github
.venv
venv
**/__pycache__
**/*.py[cod]
**/.ipynb_checkpoints
*.egg-info
build
dist
logs
spark-warehouse
metastore_db

# Local configuration stays local, but Kedro needs the conf/local directory to exist.
conf/local/**
!conf/local/.gitkeep

# Run outputs stay out of the image; the raw sample is part of the project.
data/**
!data/01_raw
!data/01_raw/**
`

/** Appended to pyproject.toml: where the command reads its settings (src/cli/settings.ts). */
export const PYPROJECT_TABLE = `
# kedro-dataproc's settings (the action's input names; see the README, The command).
[tool.kedro-dataproc]
# project-id = "my-project"
# region = "europe-west1"
# run-submit-bucket = "my-project-dataproc-submit"
# run-output-bucket = "my-project-dataproc-output"
# artifact-repository = "kedro"
# dockerfile = "deployment/dataproc/serverless/Dockerfile"
`

const RESOLVER_COMMENT = `
# Added by kedro-dataproc init: Kedro resolves \${oc.env:...} only in credentials; registering it
# lets the catalog read KEDRO_DATAPROC_RUN_OUTPUT_URI, the run's output prefix on Dataproc.
from omegaconf.resolvers import oc  # noqa: E402
`

/** Appended to a settings.py that sets CONFIG_LOADER_ARGS: merged into it, never replacing it. */
export const RESOLVER_MERGED = `${RESOLVER_COMMENT}
CONFIG_LOADER_ARGS = {
    **CONFIG_LOADER_ARGS,
    "custom_resolvers": {**CONFIG_LOADER_ARGS.get("custom_resolvers", {}), "oc.env": oc.env},
}
`

/** Appended to a settings.py that does not: Kedro's defaults, and the resolver. */
export const RESOLVER_NEW = `${RESOLVER_COMMENT}
CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    "custom_resolvers": {"oc.env": oc.env},
}
`

/** Put at the top of conf/base/catalog.yml: the run-output global the datasets write under. */
export const CATALOG_GLOBAL = `# Added by kedro-dataproc init. Write outputs under \${_output}/..., e.g.
#   filepath: \${_output}/02_intermediate/preprocessed_companies.parquet
# On Dataproc that is gs://RUN_OUTPUT_BUCKET/BRANCH/RUN_ID (KEDRO_DATAPROC_RUN_OUTPUT_URI, set by
# kedro-dataproc); a local kedro run writes under ./data.
_output: \${oc.env:KEDRO_DATAPROC_RUN_OUTPUT_URI,data}

`

/** Appended to requirements.txt when nothing there installs gcsfs. */
export const GCSFS_REQUIREMENT = `
# Added by kedro-dataproc init: spark.SparkDataset and pandas datasets open gs:// paths with gcsfs.
gcsfs
`
