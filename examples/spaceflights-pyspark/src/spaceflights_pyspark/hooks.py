"""Project hooks."""

from kedro.framework.context import KedroContext
from kedro.framework.hooks import hook_impl
from pyspark import SparkConf
from pyspark.sql import SparkSession


class SparkHooks:
    @hook_impl
    def after_context_created(self, context: KedroContext) -> None:
        """Create the SparkSession from conf/*/spark.yml.

        On Dataproc the JVM already exists (the batch started it for the driver) and this
        attaches to it: getOrCreate() applies the runtime settings of spark.yml, while
        resource settings must come from the batch's Spark properties.
        """
        parameters = context.config_loader["spark"]
        spark_conf = SparkConf().setAll(parameters.items())

        spark = (
            SparkSession.builder.appName(context.project_path.name)
            .config(conf=spark_conf)
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("WARN")
