"""The MCP glue: the tools of `tools.py` served on stdio with the official SDK's low-level server.

The low-level server (not MCPServer) because each result's structured content
must be exactly the CLI's JSON, which we build ourselves.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import jsonschema  # type: ignore[import-untyped]
import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

from backlogctl import __version__
from backlogctl.agent.tools import TOOLS, Tool
from backlogctl.errors import BacklogError

INSTRUCTIONS = (
    "backlogctl: an AI lab's model backlog as YAML files in git. Read with list_items, show_item, "
    "rank, lint, history, changes, review_due and plan; write with new_item and set_fields, which "
    "refuse results with lint errors. Pass show_item's hash as expected_hash to set_fields so that "
    "a concurrent edit is not overwritten."
)


def build(folder: Path) -> Server[Any]:
    """A server whose tools work on ``folder`` unless a call names another ``backlog``."""
    by_name = {tool.name: tool for tool in TOOLS}

    async def list_tools(ctx: Any, params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        return types.ListToolsResult(
            tools=[
                types.Tool(
                    name=tool.name,
                    description=tool.description,
                    input_schema=tool.input_schema(),
                    annotations=types.ToolAnnotations(read_only_hint=not tool.writes),
                )
                for tool in TOOLS
            ]
        )

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        tool = by_name.get(params.name)
        if tool is None:
            return _error(f"no tool {params.name!r}; the tools are {', '.join(by_name)}")
        arguments = dict(params.arguments or {})
        try:
            jsonschema.validate(arguments, tool.input_schema())
        except jsonschema.ValidationError as exc:
            return _error(f"{params.name}: {exc.message}")
        return await anyio.to_thread.run_sync(_call, tool, folder, arguments)

    return Server(
        "backlogctl",
        version=__version__,
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


def _call(tool: Tool, folder: Path, arguments: dict[str, Any]) -> types.CallToolResult:
    where = Path(arguments.pop("backlog")) if "backlog" in arguments else folder
    if not where.is_absolute():
        where = folder / where
    try:
        result = tool.run(where, arguments)
    except BacklogError as exc:
        return _error(str(exc))
    text = json.dumps(result, indent=2, ensure_ascii=False)
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=text)], structured_content=result
    )


def _error(message: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=message)], is_error=True)


def run(folder: Path) -> None:
    """Serve on stdin/stdout until the client goes away."""
    server = build(folder)

    async def main() -> None:
        async with stdio_server() as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())

    anyio.run(main)
