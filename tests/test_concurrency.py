"""Concurrent writers with real processes: nothing is lost, nothing overwritten.

`set` compares the file with what it read, under a lock on the folder, and
refuses with a conflict when someone else wrote in between; `new` picks ids
and creates files under the same lock, with an exclusive create.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from backlogctl import store
from backlogctl.errors import ConflictError
from backlogctl.store import read as store_read

WRITERS = 8


def backlogctl(backlog: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "BACKLOGCTL_NO_CACHE": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "backlogctl", "-C", str(backlog), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def finish(processes: list[subprocess.Popen[str]]) -> list[tuple[int, str, str]]:
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        results.append((process.returncode, out, err))
    return results


def test_replace_refuses_when_the_file_changed_since_it_was_read(tmp_path: Path) -> None:
    path = tmp_path / "AI-1-x.yaml"
    path.write_text("id: AI-1\ntitle: old\n")
    document = store.read_document(path)
    path.write_text("id: AI-1\ntitle: changed by someone else\n")
    with pytest.raises(ConflictError, match="changed while it was being edited; nothing was written"):
        store.replace(path, "id: AI-1\ntitle: mine\n", expected=document.raw)
    assert path.read_text() == "id: AI-1\ntitle: changed by someone else\n"
    path.unlink()
    with pytest.raises(ConflictError, match="removed while it was being edited"):
        store.replace(path, "id: AI-1\ntitle: mine\n", expected=document.raw)
    assert not path.exists()


def test_replace_keeps_a_symlink_inside_the_backlog(tmp_path: Path) -> None:
    target = tmp_path / "real.yaml"
    target.write_text("id: AI-1\n")
    link = tmp_path / "AI-1-link.yaml"
    link.symlink_to(target)
    store.replace(link, "id: AI-1\ntitle: x\n", expected=b"id: AI-1\n")
    assert link.is_symlink()
    assert target.read_text() == "id: AI-1\ntitle: x\n"


def test_concurrent_sets_never_lose_an_update(backlog: Path) -> None:
    """8 processes set 8 different fields of one item at once, three rounds.

    Each either succeeds, and its field is in the final file, or says
    'changed while it was being edited' and wrote nothing: no silent loss.
    """
    created = finish([backlogctl(backlog, "new", "Shared item", "--owner", "anna")])
    assert created[0][0] == 0, created
    path = next((backlog / "items").glob("AI-1-*.yaml"))
    conflicts = 0
    for round_ in range(3):
        processes = [
            backlogctl(backlog, "set", "AI-1", f"field_{i}={round_ * 100 + i}", "--force")
            for i in range(WRITERS)
        ]
        results = finish(processes)
        data = store_read.load_mapping(path)
        for i, (code, out, err) in enumerate(results):
            assert "Traceback" not in out + err
            if code == 0:
                assert data[f"field_{i}"] == round_ * 100 + i, f"writer {i} succeeded but its edit is gone"
            else:
                assert code == 2, err
                assert "changed while it was being edited; nothing was written, run the command again" in err
                conflicts += 1
        assert any(code == 0 for code, _, _ in results)
    # The file stays one well-formed item whatever the interleaving.
    assert store_read.load_mapping(path)["title"] == "Shared item"
    print(f"{conflicts} conflicts in {3 * WRITERS} concurrent sets")


def test_concurrent_news_get_distinct_ids_and_files(backlog: Path) -> None:
    results = finish([backlogctl(backlog, "new", f"Model {i}", "--owner", "anna") for i in range(WRITERS)])
    assert all(code == 0 for code, _, _ in results), results
    ids = [out.split("\t")[0] for _, out, _ in results]
    assert sorted(ids, key=lambda i: int(i.split("-")[1])) == [f"AI-{n}" for n in range(1, WRITERS + 1)]
    files = sorted((backlog / "items").glob("*.yaml"))
    assert len(files) == WRITERS
    titles = {store_read.load_mapping(f)["title"] for f in files}
    assert titles == {f"Model {i}" for i in range(WRITERS)}, "a file was overwritten"
    assert not [
        p for p in (backlog / "items").iterdir() if p.name.startswith(".") and p.name != ".gitkeep"
    ], "temporary files left"
    umask = os.umask(0)
    os.umask(umask)
    assert {f.stat().st_mode & 0o777 for f in files} == {0o666 & ~umask}
