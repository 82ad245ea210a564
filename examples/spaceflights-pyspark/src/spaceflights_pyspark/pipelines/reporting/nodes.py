"""Nodes of the 'reporting' pipeline: small Spark aggregations of the model input table."""

from typing import Any, Dict

from pyspark.sql import DataFrame
from pyspark.sql import functions as F


def passenger_capacity_by_type(model_input_table: DataFrame) -> DataFrame:
    """Shuttle count and mean/max passenger capacity per shuttle type."""
    return (
        model_input_table.groupBy("shuttle_type")
        .agg(
            F.count("*").alias("shuttles"),
            F.round(F.avg("passenger_capacity"), 2).alias("mean_passenger_capacity"),
            F.max("passenger_capacity").alias("max_passenger_capacity"),
        )
        .orderBy("shuttle_type")
    )


def top_companies(model_input_table: DataFrame, parameters: Dict[str, Any]) -> DataFrame:
    """The companies with the most shuttles (ties broken by rating), as configured in
    parameters.yml under `reporting`."""
    table = model_input_table
    if parameters["only_iata_approved"]:
        table = table.filter(F.col("iata_approved"))
    return (
        table.groupBy("company_id", "company_location", "company_rating")
        .agg(F.count("*").alias("shuttles"), F.round(F.sum("price"), 2).alias("fleet_value"))
        .orderBy(F.desc("shuttles"), F.desc("company_rating"), "company_id")
        .limit(int(parameters["top_n_companies"]))
    )
