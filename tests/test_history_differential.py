"""`history` and `changes` against a small independent reference on generated team histories.

The reference shares no code with backlogctl: for every commit it reads the
whole items folder of the commit and of each parent with plain git
(`git rev-list`, `git ls-tree`, `git cat-file`), keys items by their `id:`
and applies the rule of PRODUCT.md as written: a commit is credited with each
field whose new value differs from its value in *every* parent (for a
one-parent commit: from its parent), `old` being the first parent's value.

Histories are generated with branches merged with --no-ff (conflicts resolved
to one side's value or to a new one), squash merges, rebase merges, reverts,
cherry-picks, moves, renames by hand and id changes. CI runs a few seeds
(bounded); BACKLOGCTL_DIFF_SEEDS=200 runs a deep comparison.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from backlogctl.history import audit

SEEDS = int(os.environ.get("BACKLOGCTL_DIFF_SEEDS", "5"))
PEOPLE = ("Anna Berg", "Ben Osei", "Cara Lind", "Omar Haddad", "Sofia Rossi")
STATUSES = ("proposed", "ready", "in_progress", "deployed", "parked")
CONFIG = "name: Generated lab\nid_prefix: AI\nitems_dir: items\n"

Row = tuple[str, str, str | None, str, str]
"""(commit, item id, field, old, new), values as canonical JSON so rows can be counted"""


def row(commit: str, item_id: str, field: str | None, old: Any, new: Any) -> Row:
    def canonical(value: Any) -> str:
        return json.dumps(value, sort_keys=True, default=str)

    return (commit, item_id, field, canonical(old), canonical(new))


# -- the reference: plain git, whole trees, by id ---------------------------------


def sh(folder: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env |= {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    return subprocess.run(
        ["git", *args], cwd=folder, env=env, capture_output=True, text=True, check=True
    ).stdout


def tree_items(folder: Path, sha: str, memo: dict[str, dict[str, Any]]) -> dict[str, Any]:
    if sha not in memo:
        items: dict[str, Any] = {}
        for line in sh(folder, "ls-tree", "-r", sha, "--", "items").splitlines():
            meta, path = line.split("\t", 1)
            if not path.endswith(".yaml"):
                continue
            data = YAML(typ="safe").load(sh(folder, "cat-file", "-p", meta.split()[2]))
            items[data["id"]] = data
        memo[sha] = items
    return memo[sha]


def fields(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            flat |= fields(value, f"{prefix}{key}.")
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def reference(folder: Path) -> list[Row]:
    memo: dict[str, dict[str, Any]] = {}
    rows: list[Row] = []
    for line in sh(folder, "rev-list", "--parents", "HEAD").splitlines():
        sha, *parents = line.split()
        now = tree_items(folder, sha, memo)
        before = [tree_items(folder, p, memo) for p in parents] or [{}]
        for item_id in sorted(set(now) | set(before[0])):
            new = now.get(item_id)
            olds = [b.get(item_id) for b in before]
            if new is None:
                if all(o is not None for o in olds):
                    rows.append(row(sha, item_id, None, olds[0], None))
                continue
            if all(o is None for o in olds):
                rows.append(row(sha, item_id, None, None, new))
                continue
            flat_new = fields(new)
            flat_olds = [fields(o or {}) for o in olds]
            for field in sorted(set(flat_new) | set(flat_olds[0])):
                value = flat_new.get(field)
                if all(f.get(field) != value for f in flat_olds):
                    rows.append(row(sha, item_id, field, flat_olds[0].get(field), value))
    return rows


# -- generated team histories -----------------------------------------------------


class Team:
    """A repository and a random team working on it."""

    def __init__(self, folder: Path, seed: int) -> None:
        self.folder, self.rng = folder, random.Random(seed)
        self.next_id, self.tick = 1, 0
        folder.mkdir()
        sh(folder, "init", "-q", "-b", "main")
        (folder / "backlog.yaml").write_text(CONFIG)
        (folder / "items").mkdir()
        for _ in range(3):
            self.create()
        self.commit("initial backlog")

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        self.tick += 1
        who = self.rng.choice(PEOPLE)
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        stamp = f"@{1790000000 + self.tick * 3600} +0000"
        env |= {
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_AUTHOR_NAME": who,
            "GIT_AUTHOR_EMAIL": "team@lab.example",
            "GIT_COMMITTER_NAME": who,
            "GIT_COMMITTER_EMAIL": "team@lab.example",
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_DATE": stamp,
            "GIT_EDITOR": "true",
        }
        return subprocess.run(
            ["git", *args], cwd=self.folder, env=env, capture_output=True, text=True, check=check
        )

    def commit(self, message: str) -> None:
        self.git("add", "-A")
        if self.git("diff", "--cached", "--quiet", check=False).returncode:
            self.git("commit", "-q", "-m", message)

    def files(self) -> list[Path]:
        return sorted((self.folder / "items").rglob("*.yaml"))

    def write(self, path: Path, data: dict[str, Any]) -> None:
        scores = data["scores"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"id: {data['id']}\ntitle: {data['title']}\nstatus: {data['status']}\n"
            f"scores:\n  effort: {scores['effort']}\n  business_value: {scores['business_value']}\n"
            f"tags: [{', '.join(data['tags'])}]\n"
        )

    def read(self, path: Path) -> dict[str, Any]:
        data: dict[str, Any] = YAML(typ="safe").load(path.read_text())
        return data

    def create(self) -> None:
        item_id = f"AI-{self.next_id}"
        self.next_id += 1
        data = {
            "id": item_id,
            "title": f"Model {item_id}",
            "status": "proposed",
            "scores": {"effort": self.rng.randrange(1, 9), "business_value": self.rng.randrange(1, 9)},
            "tags": ["x"],
        }
        self.write(self.folder / "items" / f"{item_id}-model.yaml", data)

    def edit(self) -> None:
        files = self.files()
        if not files:
            return self.create()
        path = self.rng.choice(files)
        data = self.read(path)
        what = self.rng.randrange(4)
        if what == 0:
            data["scores"]["effort"] = self.rng.randrange(1, 21)
        elif what == 1:
            data["status"] = self.rng.choice(STATUSES)
        elif what == 2:
            data["scores"]["business_value"] = self.rng.randrange(1, 21)
        else:
            data["tags"] = [*data["tags"], self.rng.choice("abc")]
        self.write(path, data)
        return None

    def structural(self) -> str:
        """A move, a rename by hand, an id change or a deletion (only while no branch is open)."""
        files = self.files()
        if len(files) < 2:
            self.create()
            return "add an item"
        path = self.rng.choice(files)
        data = self.read(path)
        what = self.rng.randrange(4)
        if what == 0:
            target = self.folder / "items" / "moved" / path.name
            if target == path:
                return "nothing"
            target.parent.mkdir(exist_ok=True)
            self.git("mv", str(path), str(target))
            return "move into a sub-folder"
        if what == 1:
            path.unlink()
            data["title"] += " (renamed)"
            self.write(path.with_name(f"{data['id']}-renamed-{self.tick}.yaml"), data)
            return "rename by hand"
        if what == 2:
            data["id"] = f"AI-{self.next_id}"
            self.next_id += 1
            self.write(path, data)
            return "change an id"
        path.unlink()
        return "delete an item"

    def work(self, steps: int) -> None:
        for _ in range(steps):
            if self.rng.random() < 0.2:
                self.create()
                self.commit("add an item")
            else:
                self.edit()
                self.commit("edit a field")

    def branch(self, number: int) -> None:
        name = f"topic-{number}"
        self.git("checkout", "-q", "-b", name)
        self.work(self.rng.randrange(1, 4))
        self.git("checkout", "-q", "main")
        self.work(self.rng.randrange(0, 3))
        if self.rng.random() < 0.2:
            picked = self.git("rev-parse", name).stdout.strip()
            if self.git("cherry-pick", picked, check=False).returncode:
                self.git("cherry-pick", "--abort", check=False)
        style = self.rng.random()
        if style < 0.15:
            self.git("merge", "-q", "--squash", name, check=False)
            self.resolve()
            self.commit(f"Squash {name}")
        elif style < 0.3:
            self.git("checkout", "-q", name)
            if self.git("rebase", "-q", "main", check=False).returncode:
                self.git("rebase", "--abort", check=False)
                self.git("checkout", "-q", "main")
                self.merge(name)
                return
            self.git("checkout", "-q", "main")
            self.git("merge", "-q", "--ff-only", name)
        else:
            self.merge(name)

    def merge(self, name: str) -> None:
        if self.git("merge", "-q", "--no-ff", "-m", f"Merge branch '{name}'", name, check=False).returncode:
            self.resolve()
            self.git("add", "-A")
            self.git("commit", "-q", "--no-edit")

    def resolve(self) -> None:
        """Each conflicted file: one side's version, sometimes with a value neither side had."""
        conflicted = self.git("diff", "--name-only", "--diff-filter=U").stdout.split()
        for name in conflicted:
            stage = self.rng.choice((2, 3))
            shown = self.git("show", f":{stage}:{name}", check=False)
            if shown.returncode:
                shown = self.git("show", f":{5 - stage}:{name}", check=False)
            path = self.folder / name
            if shown.returncode:
                self.git("rm", "-q", "--", name, check=False)
                continue
            path.write_text(shown.stdout)
            if self.rng.random() < 0.5:
                data = self.read(path)
                data["scores"]["effort"] = 100 + self.rng.randrange(50)
                self.write(path, data)

    def revert(self) -> None:
        if len(self.git("rev-list", "--parents", "-1", "HEAD").stdout.split()) == 2:
            self.git("revert", "--no-edit", "HEAD", check=False)


def generate(folder: Path, seed: int, rounds: int = 6) -> Path:
    team = Team(folder, seed)
    for number in range(rounds):
        team.work(team.rng.randrange(1, 3))
        team.commit(team.structural())
        if team.rng.random() < 0.3:
            team.revert()
        team.branch(number)
    return folder


# -- the comparison ----------------------------------------------------------------


def got_changes(folder: Path) -> Counter[Row]:
    result = audit.backlog_changes(folder)
    assert result.since is None
    return Counter(row(c.commit, c.id, c.field, c.old, c.new) for c in result.changed)


def got_history(folder: Path, item_id: str) -> Counter[Row]:
    result = audit.item_history(folder, item_id)
    return Counter(row(c.commit, item_id, c.field, c.old, c.new) for c in result.changes)


@pytest.mark.parametrize("seed", range(SEEDS))
def test_history_and_changes_agree_with_the_reference(tmp_path: Path, seed: int) -> None:
    folder = generate(tmp_path / f"team-{seed}", seed)
    parents = sh(folder, "rev-list", "--parents", "HEAD").splitlines()
    assert any(len(line.split()) > 2 for line in parents), "the history has no merge to test"
    expected = reference(folder)

    fields_only = Counter(r for r in expected if r[2] is not None)
    assert got_changes(folder) == fields_only

    for item_id in sorted({r[1] for r in expected}):
        wanted = Counter(r for r in expected if r[1] == item_id)
        assert got_history(folder, item_id) == wanted, item_id
