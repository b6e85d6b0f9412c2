"""Profiles validate when read, and errors name the field."""

from __future__ import annotations

import pytest

from takedown.errors import ProfileError
from takedown.profile import load_profile
from tests.conftest import ROOT


@pytest.mark.slow
@pytest.mark.parametrize("name", ["china_052020", "generic"])
def test_shipped_profiles_validate(name):
    p = load_profile(ROOT / "profiles" / f"{name}.yml")
    assert p.name == name


@pytest.mark.slow
def test_china_profile_carries_published_figures():
    p = load_profile(ROOT / "profiles/china_052020.yml")
    assert p.timezone == "Asia/Shanghai"
    assert (p.working_hours.start, p.working_hours.end) == (8, 17)
    got = {x.finding: x.value for x in p.published}
    assert got["overview.accounts"] == 23750
    assert got["overview.tweets"] == 348608
    assert got["followers.zero_share"] == 0.785


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (
            "name: x\ntitle: t\ntimezone: Mars/Olympus\n",
            "field timezone: Value error, unknown IANA timezone",
        ),
        (
            "name: x\ntitle: t\nworking_hours: {start: 17, end: 8}\n",
            "field working_hours: Value error, end must be after start",
        ),
        ("name: x\n", "field title: Field required"),
        ("name: x\ntitle: t\ncolour: red\n", "field colour: Extra inputs are not permitted"),
        (
            "name: x\ntitle: t\ntopics: {hk: {label: HK, keywords: []}}\n",
            "field topics.hk.keywords",
        ),
        ("name: [unclosed\n", "not valid YAML"),
        ("name: x\ntitle: t\ncontext: {}\ncontext: {}\n", "line 4: key 'context' appears twice"),
        ("- a list\n", "a profile is a YAML mapping"),
        (
            "name: x\ntitle: t\ncollection: {sample: {every: 1}}\n",
            "field collection.sample.every: Input should be greater than or equal to 2",
        ),
        (
            "name: x\ntitle: t\ncollection: {sample: {every: 12, per: author}}\n",
            "field collection.sample.per: Input should be 'account' or 'dataset'",
        ),
        (
            "name: x\ntitle: t\ncollection: {sample: {every: 12, rate: 0.08}}\n",
            "field collection.sample.rate: Extra inputs are not permitted",
        ),
        (
            "name: x\ntitle: t\ncollection: {notes: sampled}\n",
            "field collection.notes: Extra inputs are not permitted",
        ),
        ("name: 032020\ntitle: t\n", "field name: Input should be a valid string; YAML read it"),
    ],
)
def test_invalid_profile_is_one_line_naming_the_field(tmp_path, text, needle):
    f = tmp_path / "p.yml"
    f.write_text(text)
    with pytest.raises(ProfileError) as exc:
        load_profile(f)
    msg = str(exc.value)
    assert "\n" not in msg and str(f) in msg and needle in msg, msg


@pytest.mark.slow
def test_a_profile_nested_100000_levels_deep_is_one_clear_error(tmp_path):
    deep = tmp_path / "deep.yml"
    deep.write_text("name: x\ntitle: " + "[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(ProfileError, match="nested too deeply") as exc:
        load_profile(deep)
    assert str(deep) in str(exc.value) and "\n" not in str(exc.value)


@pytest.mark.parametrize("levels", [65, 900])
def test_block_nesting_past_the_limit_is_the_same_one_line(tmp_path, levels):
    # libyaml's composer recurses in C: depth is refused from the event stream first.
    deep = tmp_path / "deep.yml"
    deep.write_text(
        "name: x\ntitle: t\nx:\n" + "".join("  " * i + "- \n" for i in range(1, levels))
    )
    with pytest.raises(ProfileError) as exc:
        load_profile(deep)
    assert str(exc.value) == f"{deep}: nested too deeply; a profile is a shallow YAML mapping"


def test_64_levels_still_load_as_yaml(tmp_path):
    from takedown.profile import _read_yaml

    ok = tmp_path / "ok.yml"
    ok.write_text("x:\n" + "".join("  " * i + "- \n" for i in range(1, 64)))
    value, depth = _read_yaml(ok)["x"], 1
    while value and isinstance(value[0], list):
        value, depth = value[0], depth + 1
    assert depth == 63


@pytest.mark.slow
def test_a_30_mb_profile_is_refused_before_it_is_parsed(tmp_path):
    """Issue 20 item 17: a 30 MB profile took over 120 s to load."""
    import time

    big = tmp_path / "big.yml"
    big.write_text("name: big\ntitle: Big\ndescription: " + "x" * (30 << 20) + "\n")
    t0 = time.perf_counter()
    with pytest.raises(ProfileError, match=r"big.yml: 30.0 MB, over the 1 MB limit"):
        load_profile(big)
    assert time.perf_counter() - t0 < 1


@pytest.mark.slow
@pytest.mark.parametrize("zone", ["posix/Europe/Moscow", "right/UTC", "localtime"])
@pytest.mark.parametrize("field", ["timezone", "source.source_timezone"])
def test_zones_python_knows_but_duckdb_does_not_are_refused_at_validation(tmp_path, zone, field):
    f = tmp_path / "p.yml"
    setting = f"timezone: {zone}" if field == "timezone" else f"source: {{source_timezone: {zone}}}"
    f.write_text(f"name: x\ntitle: t\n{setting}\n")
    with pytest.raises(ProfileError) as exc:
        load_profile(f)
    msg = str(exc.value)
    assert msg.startswith(f"{f}: field {field}: Value error, timezone {zone!r} is not one DuckDB")
    assert "\n" not in msg


def test_zones_both_know_pass(tmp_path):
    f = tmp_path / "p.yml"
    f.write_text(
        "name: x\ntitle: t\ntimezone: Asia/Kathmandu\nsource: {source_timezone: Etc/GMT+3}\n"
    )
    assert load_profile(f).source.source_timezone == "Etc/GMT+3"


def test_an_alias_bomb_is_refused_naming_the_line(tmp_path):
    # issue 20 item 13: 2,000 aliases of a keyword list expanded into a 1.6 GB regex.
    words = ", ".join(f"w{i}" for i in range(100))
    lines = [
        "name: p",
        "title: t",
        "topics:",
        "  t0:",
        "    label: T",
        f"    keywords: &k [{words}]",
    ]
    for i in range(1, 2_000):
        lines += [f"  t{i}:", "    label: T", "    keywords: *k"]
    bomb = tmp_path / "bomb.yml"
    bomb.write_text("\n".join(lines) + "\n")
    assert refusal(bomb) == (
        f"{bomb}: line 6: YAML anchors and aliases (&name, *name) are not allowed in a profile; "
        "write the values out"
    )


def test_an_alias_without_its_anchor_is_the_same_one_line(tmp_path):
    f = tmp_path / "p.yml"
    f.write_text("name: p\ntitle: t\nlanguages: *langs\n")
    assert refusal(f) == (
        f"{f}: line 3: YAML anchors and aliases (&name, *name) are not allowed in a profile; "
        "write the values out"
    )


@pytest.mark.slow
def test_keyword_lexicons_are_bounded(tmp_path):
    f = tmp_path / "p.yml"
    many = "".join(f"  t{i}:\n    label: T\n    keywords: [{', '.join(['k'] * 1_000)}]\n"
                   for i in range(21))  # fmt: skip
    f.write_text(f"name: p\ntitle: t\ntopics:\n{many}")
    assert refusal(f) == (
        f"{f}: field topics: Value error, 21,000 keywords in all; at most 20,000 (merge or prune "
        "topics)"
    )
    f.write_text("name: p\ntitle: t\ntopics: {a: {label: A, keywords: [" + "x" * 201 + "]}}\n")
    assert (
        refusal(f) == f"{f}: field topics.a.keywords.0: String should have at most 200 characters"
    )


@pytest.mark.slow
def test_200_topics_of_30_keywords_still_load(tmp_path):
    f = tmp_path / "p.yml"
    f.write_text("name: p\ntitle: t\ntopics:\n" + "".join(
        f"  t{i}:\n    label: T\n    keywords: [{', '.join(f'k{i}_{j}' for j in range(30))}]\n"
        for i in range(200)
    ))  # fmt: skip
    assert sum(len(t.keywords) for t in load_profile(f).topics.values()) == 6_000


def refusal(path) -> str:
    with pytest.raises(ProfileError) as exc:
        load_profile(path)
    return str(exc.value)


def test_collection_block_declares_a_uniform_sample(tmp_path):
    f = tmp_path / "p.yml"
    f.write_text(
        "name: x\ntitle: t\ncollection:\n  description: Every 12th tweet per author.\n"
        "  sample: {every: 12, per: account}\n"
    )
    c = load_profile(f).collection
    assert c.description == "Every 12th tweet per author."
    assert (c.sample.every, c.sample.per) == (12, "account")
    f.write_text("name: x\ntitle: t\ncollection: {sample: {every: 3}}\n")
    assert load_profile(f).collection.sample.per == "account"  # the default
    f.write_text("name: x\ntitle: t\n")
    assert load_profile(f).collection.sample is None  # no block: not a sample
