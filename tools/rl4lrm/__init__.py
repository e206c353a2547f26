"""rl4lrm: records, taxonomy, site and baselines for RL on large reasoning models."""

__version__ = "0.1.0"
