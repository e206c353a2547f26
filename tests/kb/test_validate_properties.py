"""Property-based: whatever mapping or text a contributor writes, reading it never raises."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from rl4lrm.kb.records import parse_record

from .records import BASE

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30))
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
field_names = st.sampled_from([*BASE, "links", "summary", "abstract", "baselines", "unknown"])


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.one_of(field_names, st.text(max_size=10)), values, max_size=12))
def test_random_mappings_never_raise(data: dict) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    file, problems = parse_record(text, "papers/x.yaml", "x")
    assert file.record is not None or problems
    for problem in problems:
        assert problem.file == "papers/x.yaml"
        assert problem.line >= 1
        assert problem.rule


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(field_names, values, max_size=6))
def test_random_changes_to_a_valid_record_never_raise(changes: dict) -> None:
    text = yaml.safe_dump({**BASE, **changes}, allow_unicode=True)
    file, problems = parse_record(text, "papers/dapo-2025.yaml", "dapo-2025")
    assert (file.record is not None and not problems) or problems


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_random_text_never_raises(text: str) -> None:
    file, problems = parse_record(text, "papers/x.yaml", "x")
    assert file.record is not None or problems
    assert all(p.file == "papers/x.yaml" and p.line >= 1 for p in problems)
