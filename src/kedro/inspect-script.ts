/**
 * The Python that the pre-flight runs in the project with the runner's Kedro: it resolves the
 * configuration as `kedro run` would (base plus the run's env, globals, runtime params and the
 * project's own resolvers), registers the pipelines, and prints one JSON object of facts. It
 * judges nothing (src/kedro/preflight.ts does) and never runs a node, a hook or Spark. Kept in a
 * string so that the bundle needs no file beside it.
 */
export const INSPECT_SCRIPT = String.raw`
import json, sys
from pathlib import Path

request = json.loads(sys.argv[1])
facts = {"kedro": None, "configError": None, "pipelineError": None}

def emit():
    sys.stdout.write("\n@@kedro-dataproc@@" + json.dumps(facts) + "\n")

def failure(error):
    text = str(error).strip().splitlines()
    return type(error).__name__ + (": " + text[0] if text else "")

def split(value):
    return [item.strip() for item in (value or "").split(",") if item.strip()]

def runtime_params(text):
    try:
        from kedro.framework.cli.utils import _split_params
        return _split_params(None, None, text) if text else {}
    except Exception:
        return {}

def catalog_entry(catalog, name):
    entry = catalog.get(name)
    if entry is None:
        try:
            from kedro.io.catalog_config_resolver import CatalogConfigResolver
            plain = {key: {k: v for k, v in value.items() if k != "credentials"}
                     for key, value in catalog.items() if isinstance(value, dict)}
            entry = CatalogConfigResolver(config=plain).resolve_pattern(name) or None
        except Exception:
            entry = None
    return entry if isinstance(entry, dict) else None

def dataset(catalog, name, role):
    entry = catalog_entry(catalog, name)
    if entry is None:
        return None
    path = entry.get("filepath", entry.get("path"))
    return {"name": name, "role": role, "type": str(entry.get("type", "")),
            "path": path if isinstance(path, str) else None}

def main():
    import kedro
    facts["kedro"] = kedro.__version__
    from kedro.framework.startup import bootstrap_project
    root = Path.cwd()
    bootstrap_project(root)
    from kedro.framework.project import pipelines, settings
    conf = root / settings.CONF_SOURCE
    try:
        loader = settings.CONFIG_LOADER_CLASS(
            conf_source=str(conf), env=request["env"] or None,
            runtime_params=runtime_params(request["params"]), **settings.CONFIG_LOADER_ARGS)
        catalog = loader["catalog"]
        loader["parameters"]
    except Exception as error:
        facts["configError"] = failure(error)
        catalog = None
    try:
        defined = sorted(pipelines.keys())
    except Exception as error:
        facts["pipelineError"] = failure(error)
        return
    facts["pipelines"] = defined
    wanted = split(request["pipelines"]) or ["__default__"]
    facts["unknownPipelines"] = [name for name in wanted if name not in defined]
    chosen = [pipelines[name] for name in wanted if name in defined]
    if not chosen:
        return
    pipe = sum(chosen[1:], chosen[0])
    facts["nodes"] = sorted(node.name for node in pipe.nodes)
    facts["tags"] = sorted(set().union(*(node.tags for node in pipe.nodes)))
    nodes = [name for name in split(request["nodes"]) if name in facts["nodes"]]
    tags = [tag for tag in split(request["tags"]) if tag in facts["tags"]]
    if tags:
        pipe = pipe.only_nodes_with_tags(*tags)
    if nodes:
        pipe = pipe.only_nodes(*nodes)
    if catalog is None:
        return
    used = [(name, "read") for name in sorted(pipe.inputs())]
    used += [(name, "write") for name in sorted(pipe.all_outputs())]
    found = [dataset(catalog, name, role) for name, role in used
             if not name.startswith("params:") and name != "parameters"]
    facts["datasets"] = [entry for entry in found if entry]

try:
    main()
except Exception as error:
    facts["pipelineError"] = facts["pipelineError"] or failure(error)
emit()
`
