"""Agents' way in: the backlog's commands as Model Context Protocol tools (`backlogctl mcp`)."""

from __future__ import annotations

from pathlib import Path

from backlogctl.errors import InputError

INSTALL_HINT = "backlogctl mcp needs the mcp extra: pip install 'backlogctl[mcp]'"


def serve(folder: Path) -> None:
    """Serve the tools on stdio until the client closes the connection."""
    try:
        import mcp.server.lowlevel  # noqa: F401
    except ImportError:
        raise InputError(INSTALL_HINT) from None
    from backlogctl.agent.server import run

    run(folder)
