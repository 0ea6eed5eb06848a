"""Record what one-item commands and `new` print and change (tests/data/one-item-golden.json).

Run with the implementation to compare against, e.g. the commit before one-item
commands read only their item's file::

    git archive 30b70f4 src templates | tar -x -C /tmp/before
    python scripts/record-one-item-golden.py /tmp/before/src

tests/test_one_item.py checks that today's code gives the same.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.one_item_cases import CASES, backlogs, environment, run_case  # noqa: E402


def main() -> None:
    source = sys.argv[1]
    env = environment(sys.executable, source)
    recorded = []
    with tempfile.TemporaryDirectory() as folder:
        roots = backlogs(Path(folder))
        for name, args in CASES:
            print(name, *args, file=sys.stderr)
            recorded.append({"backlog": name, "args": args, **run_case(roots[name], args, env)})
    target = REPO / "tests" / "data" / "one-item-golden.json"
    target.write_text(json.dumps(recorded, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
