from kedro.pipeline import Pipeline, node, pipeline

from .nodes import passenger_capacity_by_type, top_companies


def create_pipeline(**kwargs) -> Pipeline:
    return pipeline(
        [
            node(
                func=passenger_capacity_by_type,
                inputs="model_input_table",
                outputs="passenger_capacity_by_type",
                name="passenger_capacity_by_type_node",
            ),
            node(
                func=top_companies,
                inputs=["model_input_table", "params:reporting"],
                outputs="top_companies",
                name="top_companies_node",
            ),
        ]
    )
