"""make bench: a subset run replaces only its own sections of docs/benchmarks.md."""

from bench.__main__ import mark, replace_section


def test_a_marked_section_is_replaced_and_the_rest_kept():
    text = (
        "# Benchmarks\n\nold intro\n\n"
        + mark("bench_eval", "## eval\nold\n")
        + "tail\n"
    )
    updated = replace_section(text, "bench_eval", "## eval\nnew\n")
    assert "new" in updated
    assert "old\n<!--" not in updated
    assert updated.startswith("# Benchmarks\n\nold intro")
    assert updated.endswith("tail\n")


def test_a_missing_section_is_appended():
    updated = replace_section("# Benchmarks\n", "bench_curve", "## curve\n")
    assert updated == "# Benchmarks\n\n" + mark("bench_curve", "## curve\n")
