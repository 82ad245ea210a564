"""spaceflights-pyspark: a small Kedro project with PySpark nodes, run on Dataproc Serverless."""

__version__ = "0.1"
