"""A small Language Server Protocol client over stdio, enough to ask a server for diagnostics.

It speaks JSON-RPC with ``Content-Length`` framing, answers the requests a
server makes of its client (``workspace/configuration`` with the given
settings, anything else with null) and collects ``publishDiagnostics``.
"""

from __future__ import annotations

import contextlib
import json
import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import Any


class LanguageServer:
    """One server process; use as a context manager."""

    def __init__(self, command: list[str], root: Path, settings: dict[str, Any]) -> None:
        self.command = command
        self.root = root
        self.settings = settings
        self.diagnostics: dict[str, list[dict[str, Any]]] = {}
        self._events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._next_id = 0
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> LanguageServer:
        self.process = subprocess.Popen(
            self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": self.root.as_uri(),
                "capabilities": {
                    "workspace": {
                        "configuration": True,
                        "didChangeConfiguration": {"dynamicRegistration": True},
                    },
                    "textDocument": {"publishDiagnostics": {"relatedInformation": False}},
                },
                "workspaceFolders": [{"uri": self.root.as_uri(), "name": "backlog"}],
            },
        )
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": self.settings})
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.process is not None
        try:
            self.request("shutdown", None, timeout=5)
            self.notify("exit", None)
            self.process.wait(timeout=5)
        except (OSError, TimeoutError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        finally:
            # The server has ended, so the reader meets the end of its output; close both
            # pipes here instead of leaving them to the garbage collector, which warns
            # (and pytest fails whichever test is running when it collects them).
            self._reader.join(timeout=5)
            for pipe in (self.process.stdin, self.process.stdout):
                if pipe is not None:
                    with contextlib.suppress(OSError):
                        pipe.close()

    def _send(self, message: dict[str, Any]) -> None:
        assert self.process is not None and self.process.stdin is not None
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    self._events.put(("closed", None))
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if length is None:
                continue
            self._dispatch(json.loads(stream.read(length)))

    def _dispatch(self, message: dict[str, Any]) -> None:
        method = message.get("method")
        if method is None:
            self._events.put(("response", message))
        elif "id" in message:  # a request from the server to us
            result: Any = None
            if method == "workspace/configuration":
                result = [self._section(i.get("section")) for i in message["params"]["items"]]
            self._send({"id": message["id"], "result": result})
        elif method == "textDocument/publishDiagnostics":
            params = message["params"]
            self.diagnostics[params["uri"]] = params["diagnostics"]
            self._events.put(("diagnostics", params["uri"]))

    def _section(self, section: str | None) -> Any:
        value: Any = self.settings
        for part in (section or "").split("."):
            if part:
                value = value.get(part) if isinstance(value, dict) else None
        return value

    def request(self, method: str, params: Any, timeout: float = 30) -> Any:
        self._next_id += 1
        ident = self._next_id
        self._send({"id": ident, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while True:
            kind, payload = self._events.get(timeout=max(0.01, deadline - time.monotonic()))
            if kind == "closed":
                raise OSError("the language server exited")
            if kind == "response" and payload.get("id") == ident:
                if "error" in payload:
                    raise OSError(f"{method}: {payload['error']}")
                return payload.get("result")

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def check(self, path: Path, timeout: float = 60, settle: float = 1.0) -> list[dict[str, Any]]:
        """Open ``path`` and return the diagnostics the server publishes for it.

        A server may publish more than once for one document (a first pass
        before the schema is loaded); the last publication counts once none
        has followed for ``settle`` seconds.
        """
        uri = path.as_uri()
        self.diagnostics.pop(uri, None)
        text = path.read_text(encoding="utf-8")
        document = {"uri": uri, "languageId": "yaml", "version": 1, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": document})
        deadline = time.monotonic() + timeout
        quiet_until: float | None = None
        while True:
            now = time.monotonic()
            if quiet_until is not None and now >= quiet_until:
                break
            wait = (quiet_until if quiet_until is not None else deadline) - now
            try:
                kind, what = self._events.get(timeout=max(0.01, wait))
            except queue.Empty:
                if quiet_until is None:
                    raise TimeoutError(f"no diagnostics for {path.name} within {timeout} s") from None
                break
            if kind == "closed":
                raise OSError("the language server exited")
            if kind == "diagnostics" and what == uri:
                quiet_until = time.monotonic() + settle
        found = self.diagnostics[uri]  # before closing: the server then publishes [] for it
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        return found
