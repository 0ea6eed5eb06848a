"""The git layer: GitPython as the runner, a stripped environment, one Repo accessor."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from backlogctl.errors import GitError
from backlogctl.history import git as gitlayer
from backlogctl.history.audit import item_history
from tests.helpers import Result, git


def test_locate_finds_the_repository_from_a_sub_folder(git_backlog: Path) -> None:
    (git_backlog / "items" / "deep").mkdir(parents=True)
    repo = gitlayer.locate(git_backlog / "items" / "deep")
    assert repo.top == git_backlog.resolve()
    assert repo.prefix == "items/deep/"
    assert repo.text("rev-parse", "--show-prefix") == ""  # commands run at the top


def test_outside_a_repository_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="is not inside a git repository"):
        gitlayer.locate(tmp_path)


def test_a_hooks_git_index_file_and_git_dir_cannot_redirect_a_command(
    git_backlog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q")
    monkeypatch.setenv("GIT_INDEX_FILE", str(tmp_path / "bogus-index"))
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_OBJECT_DIRECTORY", str(tmp_path / "nowhere"))
    monkeypatch.setenv("GIT_NAMESPACE", "elsewhere")
    repo = gitlayer.locate(git_backlog)
    assert repo.text("rev-parse", "--absolute-git-dir") == str(git_backlog.resolve() / ".git")
    assert repo.text("rev-parse", "--git-path", "index").endswith(".git/index")
    assert repo.text("log", "-1", "--format=%s") == "init backlog"
    assert not (tmp_path / "bogus-index").exists()


def test_the_allow_list_keeps_identity_and_strips_the_rest() -> None:
    assert gitlayer.allowed_variable("GIT_AUTHOR_DATE")
    assert gitlayer.allowed_variable("GIT_CONFIG_GLOBAL")
    assert gitlayer.allowed_variable("PATH")
    assert not gitlayer.allowed_variable("GIT_INDEX_FILE")
    assert not gitlayer.allowed_variable("GIT_CONFIG_PARAMETERS")


def test_the_repo_accessor_is_gitpythons_git(git_backlog: Path) -> None:
    import git as gitpython

    repo = gitlayer.locate(git_backlog)
    assert isinstance(repo.git, gitpython.Git)
    assert repo.gitpython().head.commit.message.strip() == "init backlog"


def test_blobs_come_through_gitpythons_persistent_cat_file(git_backlog: Path) -> None:
    repo = gitlayer.locate(git_backlog)
    with gitlayer.BlobReader(repo) as reader:
        first = reader.read_many(["HEAD:backlog.yaml", "HEAD:missing.yaml"])
        again = reader.read("HEAD:backlog.yaml")
    assert first["HEAD:missing.yaml"] is None
    assert first["HEAD:backlog.yaml"] == again == (git_backlog / "backlog.yaml").read_bytes()


def test_a_users_log_settings_do_not_change_history(git_backlog: Path) -> None:
    items = git_backlog / "items"
    (items / "AI-1-a.yaml").write_text("id: AI-1\ntitle: A\nkind: new\nstatus: proposed\n")
    git(git_backlog, "add", "-A")
    git(git_backlog, "commit", "-q", "-m", "add")
    git(git_backlog, "config", "log.diffMerges", "combined")
    git(git_backlog, "config", "log.follow", "true")
    got = item_history(git_backlog, "AI-1")
    assert [c.field for c in got.changes] == [None]


def test_the_branch_scan_reads_ids_from_files_renamed_by_hand_and_edited_in_place(git_backlog: Path) -> None:
    from backlogctl import history

    items = git_backlog / "items"
    (items / "AI-1-a.yaml").write_text("id: AI-1\ntitle: A\n")
    git(git_backlog, "add", "-A")
    git(git_backlog, "commit", "-q", "-m", "AI-1")
    git(git_backlog, "checkout", "-q", "-b", "renamed")
    (items / "sub").mkdir()
    (items / "sub" / "churn-model.yaml").write_text("id: AI-3\ntitle: Churn\n")
    git(git_backlog, "add", "-A")
    git(git_backlog, "commit", "-q", "-m", "renamed by hand")
    git(git_backlog, "checkout", "-q", "-b", "edited", "main")
    (items / "AI-1-a.yaml").write_text("id: AI-5\ntitle: A\n")
    git(git_backlog, "commit", "-q", "-am", "id edited in place")
    git(git_backlog, "checkout", "-q", "main")

    assert history.branch_highest_ids(git_backlog, "items") == {"AI": 5}


def test_a_refused_repository_warns_in_the_branch_scan_and_refuses_with_commit(
    git_backlog: Path, run: Callable[..., Result]
) -> None:
    from backlogctl import history

    if os.geteuid() != 0:
        pytest.skip("needs root to give the repository to another user")
    os.chown(git_backlog, 65534, 65534)
    os.chown(git_backlog / ".git", 65534, 65534)
    try:
        scan = history.branch_highest_ids(git_backlog, "items")
        assert scan == {}
        assert scan.warning is not None and "dubious ownership" in scan.warning
        with pytest.raises(gitlayer.RepositoryRefused, match=r"safe\.directory"):
            history.branch_highest_ids(git_backlog, "items", strict=True)
    finally:
        os.chown(git_backlog, 0, 0)
        os.chown(git_backlog / ".git", 0, 0)
