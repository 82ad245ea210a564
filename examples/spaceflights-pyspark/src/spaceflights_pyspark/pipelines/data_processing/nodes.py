"""Nodes of the 'data_processing' pipeline. Inputs arrive as pandas DataFrames of strings
(see conf/base/catalog.yml for why); everything after the first step is Spark."""

import pandas as pd
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F


def _to_spark(data: pd.DataFrame) -> DataFrame:
    # The session created by SparkHooks.
    return SparkSession.builder.getOrCreate().createDataFrame(data)


def _is_true(column: str) -> Column:
    return F.col(column) == F.lit("t")


def _parse_percentage(column: str) -> Column:
    return F.regexp_replace(F.col(column), "%", "").cast("double") / 100


def _parse_money(column: str) -> Column:
    return F.regexp_replace(F.col(column), r"[$,]", "").cast("double")


def preprocess_companies(companies: pd.DataFrame) -> DataFrame:
    """Typed companies: rating as a fraction, IATA approval as a boolean."""
    return _to_spark(companies).select(
        F.col("id").alias("company_id"),
        _parse_percentage("company_rating").alias("company_rating"),
        F.when(F.col("company_location") != "", F.col("company_location")).alias(
            "company_location"
        ),
        F.col("total_fleet_count").cast("double").alias("total_fleet_count"),
        _is_true("iata_approved").alias("iata_approved"),
    )


def preprocess_shuttles(shuttles: pd.DataFrame) -> DataFrame:
    """Typed shuttles: flags as booleans, price as a number."""
    return _to_spark(shuttles).select(
        F.col("id").alias("shuttle_id"),
        "shuttle_location",
        "shuttle_type",
        "engine_type",
        F.col("engines").cast("double").alias("engines"),
        F.col("passenger_capacity").cast("int").alias("passenger_capacity"),
        _is_true("d_check_complete").alias("d_check_complete"),
        _is_true("moon_clearance_complete").alias("moon_clearance_complete"),
        _parse_money("price").alias("price"),
        "company_id",
    )


def create_model_input_table(shuttles: DataFrame, companies: DataFrame) -> DataFrame:
    """One row per shuttle with its company's attributes; shuttles without a known company
    or rating are dropped."""
    return shuttles.join(companies, on="company_id", how="inner").dropna(
        subset=["company_rating"]
    )
