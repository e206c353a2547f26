"""Verbs of the `rl4lrm` command that work on the records themselves."""
