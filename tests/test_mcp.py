"""`backlogctl mcp`: a real server process driven by the MCP SDK's own stdio client."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import git, init_repo

pytest.importorskip("mcp", reason="the MCP tests need the mcp extra: pip install -e '.[test]'")

import anyio
from mcp import ClientSession, StdioServerParameters, stdio_client

READ_TOOLS = {
    "list_items": (["list", "--format", "json"], {}),
    "show_item": (["show", "AI-18", "--format", "json"], {"id": "AI-18"}),
    "rank": (["rank", "--format", "json"], {}),
    "lint": (["lint", "--format", "json"], {}),
    "history": (["history", "AI-18", "--format", "json"], {"id": "AI-18"}),
    "changes": (["changes", "--format", "json"], {}),
    "review_due": (["review", "due", "--format", "json"], {}),
    "plan": (
        ["plan", "--capacity", "resources.effort_weeks=40", "--format", "json"],
        {"capacity": ["resources.effort_weeks=40"]},
    ),
}
WRITE_TOOLS = {"new_item", "set_fields"}
COMPLETE = {
    "decision": "Which returned parts go back to stock, and which to repair.",
    "description": "Image classifier on the returns desk's photos; suggests stock, repair or scrap.",
}


def backlogctl() -> list[str]:
    script = Path(sys.executable).with_name("backlogctl")
    return [str(script)] if script.exists() else [sys.executable, "-m", "backlogctl"]


def cli_json(folder: Path, *args: str) -> Any:
    done = subprocess.run([*backlogctl(), "-C", str(folder), *args], capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr  # lint exits 1 on findings
    return json.loads(done.stdout)


@pytest.fixture
def repo(example: Path) -> Path:
    return init_repo(example, "The lab's backlog")


def drive(folder: Path, script: Any) -> Any:
    """Start `backlogctl -C folder mcp` and run ``script(session)`` against it."""
    command, *args = backlogctl()
    params = StdioServerParameters(
        command=command, args=[*args, "-C", str(folder), "mcp"], env=dict(os.environ)
    )

    async def main() -> Any:
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            return await script(session)

    return anyio.run(main)


def test_the_tools_are_listed(repo: Path) -> None:
    async def script(session: ClientSession) -> Any:
        return await session.list_tools()

    listed = drive(repo, script)

    names = {tool.name for tool in listed.tools}
    assert names == set(READ_TOOLS) | WRITE_TOOLS
    for tool in listed.tools:
        assert "backlog" in tool.input_schema["properties"]
        assert tool.description


def test_each_read_tool_answers_what_the_cli_prints(repo: Path) -> None:
    async def script(session: ClientSession) -> dict[str, Any]:
        results = {}
        for name, (_, arguments) in READ_TOOLS.items():
            result = await session.call_tool(name, arguments)
            assert not result.is_error, result.content
            results[name] = result.structured_content
        return results

    results = drive(repo, script)

    for name, (args, _) in READ_TOOLS.items():
        assert results[name] == cli_json(repo, *args), name
    assert len(results["list_items"]["items"]) == 32
    assert results["history"]["changes"][0]["message"] == "The lab's backlog"


def test_the_backlog_argument_picks_another_folder(repo: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(repo, other)
    (next((other / "items").glob("AI-18-*.yaml"))).unlink()

    async def script(session: ClientSession) -> Any:
        return (await session.call_tool("list_items", {"backlog": str(other)})).structured_content

    assert len(drive(repo, script)["items"]) == 31


def test_create_and_edit_an_item(repo: Path) -> None:
    async def script(session: ClientSession) -> dict[str, Any]:
        created = await session.call_tool(
            "new_item",
            {
                "title": "Returns triage from photos",
                "kind": "new",
                "owner": "Lea Hoffmann",
                "fields": COMPLETE,
            },
        )
        assert not created.is_error, created.content
        item_id = created.structured_content["id"]
        shown = await session.call_tool("show_item", {"id": item_id})
        edited = await session.call_tool(
            "set_fields",
            {
                "id": item_id,
                "fields": {"scores.effort": 5, "tags": ["returns", "vision"]},
                "expected_hash": shown.structured_content["hash"],
            },
        )
        assert not edited.is_error, edited.content
        return {"created": created.structured_content, "edited": edited.structured_content}

    results = drive(repo, script)

    item_id = results["created"]["id"]
    assert item_id == "AI-35"  # above the example's highest id, AI-34
    shown = cli_json(repo, "show", item_id, "--format", "json")
    assert shown["item"]["title"] == "Returns triage from photos"
    assert shown["item"]["scores"]["effort"] == 5
    assert shown["item"]["tags"] == ["returns", "vision"]
    assert shown["hash"] == results["edited"]["hash"]
    assert results["edited"]["changes"][0] == {"field": "scores.effort", "old": None, "new": 5}
    text = (repo / shown["path"]).read_text(encoding="utf-8")
    assert "# Relative size of the job: 1, 2, 3, 5, 8, 13 or 20." in text  # comments kept
    lint = cli_json(repo, "lint", shown["path"], "--format", "json")
    assert lint["summary"]["errors"] == 0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"fields": {"scores.effort": 4}}, "must be one of 1, 2, 3, 5, 8, 13, 20"),
        ({"fields": {"decision": "TODO"}}, "refused, the result would have lint errors"),
        ({"fields": {"depends_on": ["AI-999"]}}, "refused, the result would have lint errors"),
        ({"fields": {"scores.effort": 5}, "expected_hash": "0" * 64}, "changed since you read it"),
        ({"fields": {"id": "AI-1"}}, "the id is fixed"),
    ],
    ids=["off-scale", "lint-error", "unknown-dependency", "stale-hash", "id"],
)
def test_a_refused_write_leaves_the_file_unchanged(
    repo: Path, arguments: dict[str, Any], message: str
) -> None:
    path = next((repo / "items").glob("AI-27-*.yaml"))  # a proposed item
    before = path.read_bytes()

    async def script(session: ClientSession) -> Any:
        return await session.call_tool("set_fields", {"id": "AI-27", **arguments})

    result = drive(repo, script)

    assert result.is_error
    assert message in result.content[0].text
    assert path.read_bytes() == before
    assert git(repo, "status", "--porcelain") == ""


def test_an_incomplete_new_item_is_refused(repo: Path) -> None:
    async def script(session: ClientSession) -> Any:
        return await session.call_tool("new_item", {"title": "Half an idea", "owner": "anna"})

    result = drive(repo, script)

    assert result.is_error
    assert "incomplete" in result.content[0].text
    assert list((repo / "items").glob("AI-35-*")) == []
    assert git(repo, "status", "--porcelain") == ""


def test_bad_arguments_are_an_error_result(repo: Path) -> None:
    async def script(session: ClientSession) -> Any:
        return [
            await session.call_tool("show_item", {}),
            await session.call_tool("show_item", {"id": "AI-999"}),
            await session.call_tool("list_items", {"colour": "red"}),
        ]

    missing, unknown, extra = drive(repo, script)

    assert missing.is_error and "'id' is a required property" in missing.content[0].text
    assert unknown.is_error and "AI-999" in unknown.content[0].text
    assert extra.is_error and "colour" in extra.content[0].text


def test_without_the_extra_mcp_says_how_to_install_it(repo: Path, tmp_path: Path) -> None:
    # A real process in which importing the SDK fails, as in an installation without the extra.
    blocker = tmp_path / "no-mcp"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text("import sys\nsys.modules['mcp'] = None\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(blocker)}

    done = subprocess.run(
        [*backlogctl(), "-C", str(repo), "mcp"],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
    )

    assert done.returncode == 2
    assert done.stderr == "error: backlogctl mcp needs the mcp extra: pip install 'backlogctl[mcp]'\n"
    assert done.stdout == ""
