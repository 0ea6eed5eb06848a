"""Time whole backlogctl processes next to their floors; print a markdown table.

Each figure is the median of repeated runs after one warm-up, with the peak
RSS of the slowest-memory run (``resource.getrusage(RUSAGE_CHILDREN)`` per
fresh child). Floors run in the same session on the same data, so the
ratios, not the absolute times, are the result.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.generate import generate, generate_chain

PY = sys.executable
TYPER_APP = (
    "import typer\napp = typer.Typer()\n@app.command()\n"
    "def main(version: bool = False) -> None:\n    pass\napp()\n"
)
TYPER_GROUP_APP = (
    "import typer\napp = typer.Typer()\nsub = typer.Typer(help='A group.')\napp.add_typer(sub, name='sub')\n"
    "@sub.command()\ndef due(flag: bool = False) -> None:\n    pass\n"
    "@app.command()\ndef other(flag: bool = False) -> None:\n    pass\napp()\n"
)
"""A bare typer app with a group: the floor of ``backlogctl review --help`` (typer reads the root's
options, which imports pydantic, before it shows a group's page)."""
READ_FILES = (
    "import os,sys\nfor d,_,fs in os.walk(sys.argv[1]):\n"
    "    for f in fs: open(os.path.join(d,f),'rb').read()\n"
)
PARSE_FLOOR = (
    "import gc,os,sys,yaml_rs\ngc.disable()\nfrom backlogctl.model import Item\n"
    "for d,_,fs in os.walk(sys.argv[1]):\n    for f in fs:\n"
    "        Item.model_validate(yaml_rs.loads(open(os.path.join(d,f),encoding='utf-8').read()))\n"
)


@dataclass
class Figure:
    seconds: float
    rss_mib: float
    ok: bool
    note: str = ""


def measure(
    argv: list[str], cwd: Path, env: dict[str, str], runs: int, before: list[str] | None = None
) -> Figure:
    """Median wall time and peak RSS of ``runs`` runs of the child after one warm-up."""
    times: list[float] = []
    peak = 0.0
    ok = True
    note = ""
    for attempt in range(runs + 1):
        if before:
            subprocess.run(before, cwd=cwd, env=env, capture_output=True, check=False)
        start = time.perf_counter()
        pid = os.fork()
        if pid == 0:  # the child: exec the command with output discarded
            os.chdir(cwd)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            try:
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)
        _, status, usage = os.wait4(pid, 0)
        elapsed = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            ok, note = False, f"exit {code}"
        if attempt:  # the warm-up fills caches and bytecode: neither its time nor its memory counts
            times.append(elapsed)
            peak = max(peak, usage.ru_maxrss / 1024)
    return Figure(statistics.median(times), peak, ok, note)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {system}"


TEN_FIELDS = """
fields:
  model_ref: {type: text, description: Model registry reference}
  monitoring.owner: {type: text}
  eu_ai_act.annex_iii_area: {type: choice, values: [none, biometrics, employment, essential_services]}
  eu_ai_act.fria_done: {type: boolean}
  go_live: {type: date}
  resources.gpu_hours: {type: number, min: 0}
  replaces: {type: ids}
  model_card: {type: url}
  datasets: {type: list}
  eval_runs: {type: integer, min: 1, max: 100}
"""
"""Ten declared fields of every type (issue 14: lint must stay within 10 % of the plain backlog)."""


def with_ten_fields(root: Path) -> tuple[Path, Path]:
    """Two copies of the backlog at ``root`` with their item.schema.json, as `init` leaves one:
    one as it is, one whose backlog.yaml declares ten fields."""
    plain = root.with_name(root.name + "-plain")
    declared = root.with_name(root.name + "-ten-fields")
    for copy in (plain, declared):
        if not copy.exists():
            shutil.copytree(root, copy, symlinks=True)
            if copy is declared:
                with (copy / "backlog.yaml").open("a", encoding="utf-8") as config:
                    config.write(TEN_FIELDS)
            subprocess.run(cli("schema", "-o", "item.schema.json"), cwd=copy, check=True, capture_output=True)
    return plain, declared


def wide_typer_app() -> tuple[int, str]:
    """A bare typer app with backlogctl's top-level commands and their one-line helps, each with
    one option: the floor of a help page that lists as many commands (read in this process, which
    is not timed)."""
    from backlogctl.cli.app import app

    entries = [
        (c.name, c.help or (c.callback.__doc__ if c.callback else "")) for c in app.registered_commands
    ]
    entries += [
        (g.name, g.help or g.typer_instance.info.help) for g in app.registered_groups if g.typer_instance
    ]
    lines = ["import typer", "app = typer.Typer()"]
    for number, (name, text) in enumerate(entries):
        first = str(text or "").strip().splitlines()[0] if text else ""
        lines.append(f"@app.command(name={name!r}, help={first!r})")
        lines.append(f"def command_{number}(flag: bool = False) -> None:\n    pass")
    lines.append("app()")
    return len(entries), "\n".join(lines) + "\n"


def interleaved(
    argv: list[str], first: Path, second: Path, env: dict[str, str], runs: int
) -> tuple[Figure, Figure]:
    """``argv`` in two backlogs, run in turns so that load on the machine hits both alike."""
    a: list[Figure] = []
    b: list[Figure] = []
    for _ in range(runs):
        a.append(measure(argv, first, env, 1))
        b.append(measure(argv, second, env, 1))
    return median_figure(a), median_figure(b)


def in_turns(commands: dict[str, list[str]], cwd: Path, env: dict[str, str], runs: int) -> dict[str, Figure]:
    """Each of ``commands`` once a round (A, B, C, A, B, C, ...) for ``runs`` rounds: load hits them alike."""
    figures: dict[str, list[Figure]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            figures[name].append(measure(argv, cwd, env, 1))
    return {name: median_figure(found) for name, found in figures.items()}


def median_figure(figures: list[Figure]) -> Figure:
    return Figure(
        statistics.median(f.seconds for f in figures),
        max(f.rss_mib for f in figures),
        all(f.ok for f in figures),
    )


def cli(*args: str) -> list[str]:
    return [shutil.which("backlogctl") or "backlogctl", *args]


HEAVY_ITEMS = 10_000
"""Sizes above this run only the rows every command shares (the slope), not stability, the pack or
the declared-fields pair, which the targets set at 1,000 and 10,000 items."""


def run(
    items: list[int],
    commits: int,
    runs: int,
    workdir: Path,
    chain_items: tuple[int, ...] = (),
    history_items: int = 10_000,
) -> str:
    env = {**os.environ, "XDG_CACHE_HOME": str(workdir / "cache"), "NO_COLOR": "1", "COLUMNS": "120"}
    # Users run with bytecode caches: without them every backlogctl process compiles its ~100
    # modules from source (0.1-0.5 s) while the floors' site-packages have theirs.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cold = {**env, "BACKLOGCTL_NO_CACHE": "1"}
    rows: list[tuple[str, str, Figure, str, Figure | None]] = []

    def row(size: str, what: str, fig: Figure, floor_name: str = "", floor: Figure | None = None) -> None:
        rows.append((size, what, fig, floor_name, floor))

    empty = workdir / "empty"
    empty.mkdir(exist_ok=True)
    commands, wide_app = wide_typer_app()
    start_up = in_turns(
        {
            "pass": [PY, "-c", "pass"],
            "typer --version": [PY, "-c", TYPER_APP, "--version"],
            "typer --help": [PY, "-c", TYPER_APP, "--help"],
            "ours --version": cli("--version"),
            "ours --help": cli("--help"),
            "wide --help": [PY, "-c", wide_app, "--help"],
            "group --help": [PY, "-c", TYPER_GROUP_APP, "sub", "--help"],
            "ours review --help": cli("review", "--help"),
        },
        empty,
        env,
        3 * runs,
    )
    typer_floor, typer_help, ours_help = (
        start_up["typer --version"],
        start_up["typer --help"],
        start_up["ours --help"],
    )
    row("-", "python -c pass", start_up["pass"])
    row("-", "bare typer app --version", typer_floor)
    row("-", "bare typer app --help", typer_help)
    row("-", "backlogctl --version", start_up["ours --version"], "typer app", typer_floor)
    row("-", "backlogctl --help", ours_help, "typer app --help", typer_help)
    row("-", f"bare typer app with {commands} commands --help", start_up["wide --help"])
    row(
        "-",
        "backlogctl --help (again)",
        ours_help,
        f"typer app, {commands} commands",
        start_up["wide --help"],
    )
    row("-", "bare typer app: a group's --help", start_up["group --help"])
    row(
        "-",
        "backlogctl review --help",
        start_up["ours review --help"],
        "typer group --help",
        start_up["group --help"],
    )
    for n in items:
        root = generate(workdir / f"items-{n}", n)
        size = f"{n:,} items"
        read_floor = measure([PY, "-c", READ_FILES, "items"], root, env, runs)
        parse_floor = measure([PY, "-c", PARSE_FLOOR, "items"], root, env, runs)
        row(size, "floor: read every file", read_floor)
        row(size, "floor: yaml-rs parse + pydantic", parse_floor)
        for command in ("lint", "rank"):
            row(
                size,
                f"{command} cold (no cache)",
                measure(cli(command), root, cold, runs),
                "parse floor",
                parse_floor,
            )
            row(
                size,
                f"{command} warm (cache)",
                measure(cli(command), root, env, runs),
                "parse floor",
                parse_floor,
            )
        # issue 19: one-item commands do one item's work, flat from 1,000 to 100,000 items
        _one_item_rows(row, root, n, env, cold, runs, typer_floor)
        if n > HEAVY_ITEMS:
            continue
        plain, declared = interleaved(cli("lint"), *with_ten_fields(root), cold, runs)
        row(size, "lint cold, backlog.yaml without fields", plain)
        row(size, "lint cold, ten declared fields", declared, "lint without fields", plain)
        # issue 19: stability and the pack against plain rank, same run, warm
        rank_warm = measure(cli("rank"), root, env, runs)
        for what, argv in (
            ("rank --stability warm", cli("rank", "--stability")),
            (
                "report --format html warm",
                cli("report", "--format", "html", "-o", str(workdir / "pack.html")),
            ),
        ):
            row(size, what, measure(argv, root, env, runs), "rank warm", rank_warm)
        # issue 16: plan with two capacities against rank on the same items
        if n <= PLAN_ITEMS:
            _plan_rows(row, root, size, env, runs)
    # issue 11: one depends_on chain through the whole backlog (inheritance must stay linear)
    for n in chain_items:
        root = generate_chain(workdir / f"chain-{n}", n)
        size = f"{n:,} chained items"
        rank_warm = measure(cli("rank"), root, env, runs)
        row(size, "rank warm", rank_warm)
        for what, argv in (
            ("rank --stability warm", cli("rank", "--stability")),
            (
                "report --format html warm",
                cli("report", "--format", "html", "-o", str(workdir / "pack.html")),
            ),
        ):
            row(size, what, measure(argv, root, env, runs), "rank warm", rank_warm)
    if commits:
        n = history_items
        root = generate(workdir / f"history-{n}", n, commits=commits, branches=200)
        size = f"{n:,} items, {commits:,} commits"
        first = sorted((root / "items").rglob("AI-1-*.yaml"))
        target = first[0].relative_to(root).as_posix() if first else "items"
        since = subprocess.run(
            ["git", "rev-list", "--max-parents=0", "main"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        changes = cli("changes", "--since", since, "--format", "json")
        history = cli("history", "AI-1", "--format", "json")
        # Each command next to its floor in turns (floor, cold, floor, cold, ...): load on the
        # shared machine hits both alike; warm runs follow, once the caches are filled.
        walks = {
            "log floor": (["git", "log", "--raw", "--no-renames", "--format=%H %an %aI %s"], env),
            "changes cold": (changes, cold),
            "path floor": (["git", "log", "--raw", "--format=%H %an %aI %s", "--", target], env),
            "history cold": (history, cold),
        }
        figures: dict[str, list[Figure]] = {name: [] for name in walks}
        for _ in range(runs):
            for name, (argv, environment) in walks.items():
                figures[name].append(measure(argv, root, environment, 1))
        turned = {name: median_figure(found) for name, found in figures.items()}
        log_floor, path_floor = turned["log floor"], turned["path floor"]
        row(size, "floor: git log --raw", log_floor)
        row(size, "floor: git log -- PATH", path_floor)
        row(size, "changes --since ROOT cold", turned["changes cold"], "git log --raw", log_floor)
        row(size, "changes --since ROOT warm", measure(changes, root, env, runs), "git log --raw", log_floor)
        row(size, "history AI-1 cold", turned["history cold"], "git log -- PATH", path_floor)
        row(size, "history AI-1 warm", measure(history, root, env, runs), "git log -- PATH", path_floor)
        created = root / "items"
        clean = ["sh", "-c", f"rm -f {created}/AI-*-bench-new.yaml"]
        for label, environment in (("cold", cold), ("warm", env)):
            row(
                size,
                f"new (200 branches) {label}",
                measure(cli("new", "Bench new"), root, environment, runs, before=clean),
                "",
                None,
            )
    return table(rows, runs) + "\n\n" + slopes(rows)


def _one_item_rows(
    row: Any, root: Path, n: int, env: dict[str, str], cold: dict[str, str], runs: int, floor: Figure
) -> None:
    """`show`, `set` and `history` of one item next to the bare typer app, on a copy of the backlog
    committed to git (one commit); `set` writes, so the item's file is put back before every run."""
    size = f"{n:,} items"
    copy = root.with_name(root.name + "-one-item")
    if not copy.exists():
        shutil.copytree(root, copy)
        for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "backlog"]):
            git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org", *args]
            subprocess.run(git, cwd=copy, check=True, capture_output=True)
    # As in a real backlog, the items folder last changed more than the names index's racy
    # seconds ago (2): otherwise a fresh copy's first runs cannot store the index at all.
    settled = (copy / "items").stat().st_mtime + 2.5 - time.time()
    if settled > 0:
        time.sleep(settled)
    # An item in the middle whose effort is not 5 yet, so that `set` writes.
    number = n // 2
    while True:
        path = next((copy / "items").rglob(f"AI-{number}-*.yaml"))
        if "\n  effort: 5\n" not in path.read_text(encoding="utf-8"):
            break
        number += 1
    item = f"AI-{number}"
    saved = copy.with_name(copy.name + "-saved.yaml")
    saved.write_bytes(path.read_bytes())
    put_back = ["cp", str(saved), str(path)]
    for what, argv, environment, before in (
        ("show ID", cli("show", item), env, None),
        ("set ID scores.effort=5", cli("set", item, "scores.effort=5"), env, put_back),
        ("history ID cold", cli("history", item), cold, None),
        ("history ID warm", cli("history", item), env, None),
    ):
        row(size, what, measure(argv, copy, environment, runs, before=before), "typer app", floor)
    path.write_bytes(saved.read_bytes())


PLAN_ITEMS = 1000
"""plan is benchmarked up to this size: the meeting's question is about a real backlog."""
PLAN_CAPACITY = ["--capacity", "resources.effort_weeks=400", "--capacity", "resources.gpu_hours=6000"]


def _plan_rows(row: Any, root: Path, size: str, env: dict[str, str], runs: int) -> None:
    """plan with two capacities (effort weeks, GPU hours) next to rank on the same items."""
    planned = root.with_name(root.name + "-gpu")
    if not planned.exists():
        shutil.copytree(root, planned)
        add_gpu_hours(planned / "items")
    rank_warm = measure(cli("rank"), planned, env, runs)
    row(size, "rank warm (same items, with GPU hours)", rank_warm)
    row(
        size,
        "plan, 2 capacities, warm",
        measure(cli("plan", *PLAN_CAPACITY), planned, env, runs),
        "rank warm",
        rank_warm,
    )


def add_gpu_hours(items: Path) -> None:
    """Give every item resources.gpu_hours from its number (the generator's random stream stays as it is)."""
    for path in items.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        number = int(path.name.split("-")[1])
        hours = (0, 20, 50, 100, 200, 400)[number * 7 % 6]
        text = re.sub(r"(\n  effort_weeks: [^\n]*\n)", rf"\g<1>  gpu_hours: {hours}\n", text, count=1)
        path.write_text(text, encoding="utf-8")


def table(rows: list[tuple[str, str, Figure, str, Figure | None]], runs: int) -> str:
    lines = [
        f"Machine: {machine()}; median of {runs} runs after a warm-up.",
        "",
        "| size | what | median s | peak MiB | vs floor | floor |",
        "|---|---|---:|---:|---:|---|",
    ]
    for size, what, fig, floor_name, floor in rows:
        seconds = f"{fig.seconds:.3f}" if fig.ok else f"{fig.seconds:.3f} ({fig.note})"
        ratio = f"{fig.seconds / floor.seconds:.2f}×" if floor and floor.seconds > 0 else ""
        lines.append(f"| {size} | {what} | {seconds} | {fig.rss_mib:.0f} | {ratio} | {floor_name} |")
    return "\n".join(lines)


def slopes(rows: list[tuple[str, str, Figure, str, Figure | None]]) -> str:
    """Time and peak memory per item for each row measured at two or more backlog sizes: the
    step from the smallest to the largest size, and from the next-to-largest to the largest (a
    command that is linear has the same time per item on both steps; a flat one has ~0)."""
    by_what: dict[str, list[tuple[int, Figure]]] = {}
    for size, what, fig, _, _ in rows:
        match = re.fullmatch(r"([\d,]+) items", size)
        if match:
            by_what.setdefault(what, []).append((int(match.group(1).replace(",", "")), fig))
    lines = [
        "| what | sizes | µs per item (whole step) | µs per item (last step) | KiB per item (whole step) |",
        "|---|---|---:|---:|---:|",
    ]
    for what, points in by_what.items():
        if len(points) < 2 or what.startswith("floor"):
            continue
        points.sort(key=lambda p: p[0])
        (n0, f0), (n1, f1), (n2, f2) = points[0], points[-2], points[-1]
        whole = (f2.seconds - f0.seconds) / (n2 - n0) * 1e6
        last = (f2.seconds - f1.seconds) / (n2 - n1) * 1e6
        memory = (f2.rss_mib - f0.rss_mib) * 1024 / (n2 - n0)
        sizes = " → ".join(f"{n:,}" for n, _ in points)
        lines.append(f"| {what} | {sizes} | {whole:.1f} | {last:.1f} | {memory:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--items", default="1000,10000", help="comma-separated backlog sizes")
    parser.add_argument("--commits", type=int, default=10000, help="git history length (0: none)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--chain", default="10000", help="comma-separated lengths of a depends_on chain (0: none)"
    )
    parser.add_argument(
        "--history-items", type=int, default=10_000, help="backlog size of the git-history rows"
    )
    parser.add_argument("--quick", action="store_true", help="200 items, 300 commits, 2 runs (CI smoke)")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = parser.parse_args(argv)
    if args.quick:
        args.items, args.commits, args.chain, args.history_items = "200", 300, "200", 200
        args.runs = min(args.runs, 2)
    sizes = [int(s) for s in args.items.split(",") if s]
    chains = tuple(int(s) for s in args.chain.split(",") if s and int(s) > 0)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        print(run(sizes, args.commits, args.runs, args.keep, chains, args.history_items))
        return
    with tempfile.TemporaryDirectory(prefix="backlogctl-bench-") as folder:
        print(run(sizes, args.commits, args.runs, Path(folder), chains, args.history_items))
