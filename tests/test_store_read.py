"""The read path: the parse cache stays correct when files change, and odd files are refused."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
import tracemalloc
from pathlib import Path

import pytest

from backlogctl import cache as cachefile
from backlogctl.errors import InputError
from backlogctl.store import cache, load_items, read, read_bytes
from backlogctl.store.read import parse_exact

ITEM = "id: AI-1\ntitle: Churn\ncreated: 2025-01-02\nscores:\n  effort: 5\ntags: [no]\n"
OLD = time.time_ns() - 3600 * 10**9
EXPECTED = {
    "id": "AI-1",
    "title": "Churn",
    "created": dt.date(2025, 1, 2),
    "scores": {"effort": 5},
    "tags": ["no"],
}


def write_old(path: Path, text: str) -> None:
    """Write and backdate the file, so the cache trusts it."""
    path.write_text(text)
    os.utime(path, ns=(OLD, OLD))


@pytest.fixture
def trusting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cache files written a moment ago: ctime cannot be backdated, and without this the
    racy-clean guard keeps every test file out of the cache (the tests would pass cold)."""
    monkeypatch.setattr(cache, "RACY_SECONDS", 0)


def _no_parsing(text: str, path: Path) -> object:
    raise AssertionError(f"{path} was parsed; the cache should have answered")


def test_warm_run_reads_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, trusting: None
) -> None:
    item = tmp_path / "AI-1-churn.yaml"
    write_old(item, ITEM)
    first = load_items([item], cache_for=tmp_path)
    assert cachefile.location().is_file()
    monkeypatch.setattr(read, "parse", _no_parsing)  # a warm run must not parse at all
    second = load_items([item], cache_for=tmp_path)
    assert first[0].data == EXPECTED
    assert second[0].data == EXPECTED  # dates come back as dates, not ordinals


def test_cached_and_parsed_files_come_back_in_the_order_asked_and_gone_files_are_forgotten(
    tmp_path: Path, trusting: None
) -> None:
    paths = [tmp_path / f"AI-{n}-churn.yaml" for n in range(1, 6)]
    for path in paths:
        write_old(path, ITEM.replace("AI-1", path.name[:4]))
    load_items(paths, cache_for=tmp_path)
    paths[2].unlink()
    write_old(paths[4], ITEM.replace("AI-1", "AI-9"))  # changed: parsed again
    asked = [paths[4], paths[3], paths[1], paths[0]]  # the cursor gives them in the other order
    loaded = load_items(asked, cache_for=tmp_path)
    assert [record.path for record in loaded] == asked
    assert [record.data and record.data["id"] for record in loaded] == ["AI-9", "AI-4", "AI-2", "AI-1"]
    db = sqlite3.connect(cachefile.location())
    stored = {row[0] for row in db.execute("SELECT path FROM parsed")}
    db.close()
    assert stored == {str(path) for path in asked}, "the deleted file's row is gone"


def test_a_warm_read_holds_one_stored_blob_at_a_time(tmp_path: Path, trusting: None) -> None:
    paths = [tmp_path / f"AI-{n}-churn.yaml" for n in range(2000)]
    for path in paths:
        write_old(path, ITEM + f"description: {'words ' * 150}\n")
    load_items(paths, cache_for=tmp_path)
    db = sqlite3.connect(cachefile.location())
    blobs = db.execute("SELECT sum(length(record)) FROM parsed").fetchone()[0]
    db.close()
    tracemalloc.start()
    try:
        found = cache.Cache(tmp_path).read(paths)
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert all(data is not None for data in found)
    # Fetching every row before decoding the first held all blobs at once (here 2 MB).
    assert peak - held < blobs / 4, (peak - held, blobs)


@pytest.mark.parametrize("fast_reader", ["1", "0"])
def test_keys_and_short_values_are_one_object_across_items_cold_and_warm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, trusting: None, fast_reader: str
) -> None:
    """The memory per item rests on it: 100,000 items must not hold their field names 100,000 times."""
    monkeypatch.setenv("BACKLOGCTL_FAST_YAML", fast_reader)
    paths = [tmp_path / "AI-1-churn.yaml", tmp_path / "AI-2-churn.yaml"]
    long_title = "A title longer than forty characters, kept as it is"
    for path in paths:
        write_old(path, ITEM.replace("AI-1", path.name[:4]).replace("Churn", long_title))
    for run in ("cold", "warm"):
        first, second = (record.data for record in load_items(paths, cache_for=tmp_path))
        assert first is not None and second is not None
        for key_a, key_b in zip(first, second, strict=True):
            assert key_a is key_b, (run, key_a)
        assert first["tags"][0] is second["tags"][0], run
        assert next(iter(first["scores"])) is next(iter(second["scores"])), run
        assert first["title"] == second["title"] == long_title


def test_same_size_same_mtime_edit_shows_the_new_content(tmp_path: Path, trusting: None) -> None:
    item = tmp_path / "AI-1-churn.yaml"
    write_old(item, ITEM)
    load_items([item], cache_for=tmp_path)
    changed = ITEM.replace("Churn", "Chorn")
    assert len(changed) == len(ITEM)
    write_old(item, changed)  # same size, same mtime: only ctime (and content) differ
    loaded = load_items([item], cache_for=tmp_path)
    assert loaded[0].data is not None
    assert loaded[0].data["title"] == "Chorn"


def test_a_replaced_file_shows_the_new_content(tmp_path: Path, trusting: None) -> None:
    item = tmp_path / "AI-1-churn.yaml"
    write_old(item, ITEM)
    load_items([item], cache_for=tmp_path)
    other = tmp_path / "new.tmp"
    write_old(other, ITEM.replace("effort: 5", "effort: 8"))
    os.replace(other, item)
    loaded = load_items([item], cache_for=tmp_path)
    assert loaded[0].data is not None
    assert loaded[0].data["scores"]["effort"] == 8


def test_recently_changed_files_are_not_cached(tmp_path: Path) -> None:
    item = tmp_path / "AI-1-churn.yaml"
    item.write_text(ITEM)
    load_items([item], cache_for=tmp_path)
    assert cache.Cache(tmp_path).read([item]) == [None]


def test_a_corrupt_cache_is_ignored(tmp_path: Path) -> None:
    item = tmp_path / "AI-1-churn.yaml"
    write_old(item, ITEM)
    location = cachefile.location()
    location.parent.mkdir(parents=True, exist_ok=True)
    location.write_bytes(b"\x00garbage")
    assert load_items([item], cache_for=tmp_path)[0].data == EXPECTED


def test_an_unwritable_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    item = tmp_path / "AI-1-churn.yaml"
    write_old(item, ITEM)
    assert load_items([item], cache_for=tmp_path)[0].data == EXPECTED


def test_data_cached_by_one_parser_is_not_served_to_the_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, trusting: None
) -> None:
    item = tmp_path / "AI-1-churn.yaml"
    write_old(item, ITEM)
    monkeypatch.setenv("BACKLOGCTL_FAST_YAML", "1")
    load_items([item], cache_for=tmp_path)
    assert cache.Cache(tmp_path).read([item]) == [EXPECTED]
    monkeypatch.setenv("BACKLOGCTL_FAST_YAML", "0")
    assert cache.Cache(tmp_path).read([item]) == [None], "the key names the parser: another starts empty"
    assert load_items([item], cache_for=tmp_path)[0].data == EXPECTED


def test_no_cache_environment_variable_turns_it_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKLOGCTL_NO_CACHE", "1")
    item = tmp_path / "AI-1-churn.yaml"
    write_old(item, ITEM)
    load_items([item], cache_for=tmp_path)
    assert not cachefile.location().exists()


def test_bad_files_are_reported_not_cached(tmp_path: Path) -> None:
    item = tmp_path / "AI-1-churn.yaml"
    write_old(item, "id: [unclosed\n")
    for _ in range(2):
        loaded = load_items([item], cache_for=tmp_path)
        assert loaded[0].data is None
        assert loaded[0].error is not None
        assert "line" in str(loaded[0].error) or loaded[0].error.line is not None


@pytest.mark.parametrize("size", [0, 1, 65535, 65536, 65537, 300_000, read.MAX_BYTES])
def test_a_file_is_read_whole_at_any_size_up_to_the_limit(tmp_path: Path, size: int) -> None:
    path = tmp_path / "AI-1-big.yaml"
    content = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    path.write_bytes(content)
    assert read_bytes(path) == content


def test_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "AI-2-pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        read_bytes(fifo)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder"):
        read_bytes(tmp_path)


@pytest.mark.parametrize(
    ("text", "data"),
    [
        ("a: &x:y 1\nb: *x:y\n", {"a": 1, "b": 1}),
        ("a: [&x?y 1, *x?y]\n", {"a": [1, 1]}),
        ("a: &0:0\n", {"a": None}),
        ("notes: R&D? a*b:c\n", {"notes": "R&D? a*b:c"}),
    ],
)
def test_an_anchor_named_with_a_colon_reads_as_yaml_1_2_and_yaml_rs_read_it(text: str, data: object) -> None:
    # libyaml ended the name at ':' and read "a: &x:y 1" as a: ":y 1"; yaml-rs and ruamel read a: 1.
    import yaml_rs

    assert parse_exact(text, Path("item.yaml")) == data
    assert yaml_rs.loads(text) == data
