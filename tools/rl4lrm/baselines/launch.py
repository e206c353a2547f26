"""Shared accelerate/DeepSpeed configs (baselines/accelerate/) and how a recipe is launched with them.

The configs are checked with accelerate's own ``ClusterConfig`` (unknown keys fail) and their
``deepspeed_config`` keys against the options ``accelerate launch`` accepts, so deepspeed itself need not be
installed to catch a typo. A recipe's launch section must name an existing config whose machine and
process counts agree with it.
"""

from __future__ import annotations

from pathlib import Path

from ..kb.problems import Problem, relative
from ..kb.safeyaml import YamlProblem, load_file
from .recipe import RecipeFile


def check_accelerate_config(path: Path, root: Path | None = None) -> list[Problem]:
    """Problems of one accelerate config file (empty when accelerate would accept it)."""
    from accelerate.commands.config.config_args import ClusterConfig
    from accelerate.commands.launch import launch_command_parser

    name = relative(path, root)
    try:
        loaded = load_file(path, name)
    except YamlProblem as exc:
        return [exc.problem]
    if not isinstance(loaded.data, dict):
        return [Problem(name, 1, "", "accelerate-shape", "an accelerate config must be a mapping")]
    out = []
    known = set(ClusterConfig.__dataclass_fields__)
    for key in loaded.data:
        if key not in known and key != "compute_environment":
            out.append(
                Problem(
                    name,
                    loaded.line_of((key,)),
                    key,
                    "accelerate-unknown-key",
                    f"accelerate {ClusterConfig.__name__} has no field '{key}'",
                )
            )
    options = {action.dest for action in launch_command_parser()._actions}
    for key in loaded.data.get("deepspeed_config") or {}:
        if key not in options:
            out.append(
                Problem(
                    name,
                    loaded.line_of(("deepspeed_config", key)),
                    f"deepspeed_config.{key}",
                    "accelerate-deepspeed-key",
                    f"'accelerate launch' has no DeepSpeed option '{key}'",
                )
            )
    if out:
        return out
    try:
        config = ClusterConfig.from_yaml_file(str(path))
    except (TypeError, ValueError) as exc:
        return [Problem(name, 1, "", "accelerate-config", str(exc).splitlines()[0])]
    if config.num_processes % max(config.num_machines, 1):
        out.append(
            Problem(
                name,
                loaded.line_of(("num_processes",)),
                "num_processes",
                "accelerate-processes",
                f"{config.num_processes} processes do not split evenly over {config.num_machines} machines",
            )
        )
    stage = (config.deepspeed_config or {}).get("zero_stage")
    if config.distributed_type.value == "DEEPSPEED" and stage not in (0, 1, 2, 3):
        out.append(
            Problem(
                name,
                loaded.line_of(("deepspeed_config",)),
                "deepspeed_config.zero_stage",
                "accelerate-zero-stage",
                "DeepSpeed needs zero_stage 0, 1, 2 or 3",
            )
        )
    return out


def check_launch(file: RecipeFile, accelerate_dir: Path) -> list[Problem]:
    """The recipe's launch section against the accelerate config it names."""
    launch = file.recipe.launch
    if launch.accelerate_config is None:
        if launch.num_processes * launch.num_machines > 1:
            return [file.problem(("launch",), "launch-config", "a multi-process launch must name accelerate_config")]
        return []
    path = accelerate_dir / launch.accelerate_config
    if not path.is_file():
        known = ", ".join(sorted(p.name for p in accelerate_dir.glob("*.yaml")))
        return [
            file.problem(
                ("launch", "accelerate_config"),
                "launch-config",
                f"no file {launch.accelerate_config} in baselines/accelerate/",
                f"known: {known}",
            )
        ]
    data = load_file(path).data
    out = []
    if data.get("num_machines", 1) != launch.num_machines:
        out.append(
            file.problem(
                ("launch", "num_machines"),
                "launch-machines",
                f"is {launch.num_machines} but {path.name} says {data.get('num_machines', 1)}",
            )
        )
    if file.recipe.model.dtype in ("bfloat16", "float16") and data.get("distributed_type") != "DEEPSPEED":
        out.append(
            file.problem(
                ("model", "dtype"),
                "launch-master-weights",
                f"{file.recipe.model.dtype} weights without DeepSpeed train with no fp32 master copy: at a small "
                "learning rate most Adam updates round to nothing",
                "load float32 and set bf16: true (autocast), or launch with a DeepSpeed config",
            )
        )
    total = launch.num_processes * launch.num_machines
    if data.get("num_processes", 1) != total:
        out.append(
            file.problem(
                ("launch", "num_processes"),
                "launch-processes",
                f"{launch.num_processes} per machine × {launch.num_machines} = {total}, "
                f"but {path.name} launches {data.get('num_processes', 1)}",
            )
        )
    return out


def launch_command(file: RecipeFile, root: Path) -> str:
    """The exact command that runs this recipe: rl4lrm for one process, accelerate launch for one machine,
    the SLURM script for several (it starts the vLLM node and gives each node its rank and the main address)."""
    recipe = file.recipe
    if recipe.launch.accelerate_config is None:
        return f"rl4lrm baseline run {recipe.algorithm} --preset {recipe.preset}"
    recipe_path = relative(file.path, root)
    if recipe.launch.num_machines > 1:
        nodes = recipe.launch.num_machines + int(recipe.launch.vllm_server)
        return f"sbatch --nodes={nodes} baselines/slurm/multinode.sbatch {recipe_path}"
    return (
        f"accelerate launch --config_file baselines/accelerate/{recipe.launch.accelerate_config} "
        f"-m rl4lrm.baselines.run --recipe {recipe_path}"
    )


def vllm_serve_args(file: RecipeFile, port: int = 8000) -> list[str] | None:
    """The `trl vllm-serve` command of a recipe's vLLM node (multinode presets with launch.vllm_server), or None."""
    recipe, launch = file.recipe, file.recipe.launch
    if not launch.vllm_server:
        return None
    args = ["trl", "vllm-serve", "--model", recipe.model.name]
    args += ["--tensor-parallel-size", str(launch.vllm_tensor_parallel_size)]
    args += ["--data-parallel-size", str(launch.vllm_data_parallel_size), "--port", str(port)]
    if launch.vllm_max_model_len:
        args += ["--max-model-len", str(launch.vllm_max_model_len)]
    return args
