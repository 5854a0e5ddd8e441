"""Run every benchmark in this folder (bench/*_bench.py), one after another.

Run: .venv/bin/python bench/run.py   (this is what `make bench` does)

Each benchmark runs in its own process with the same Python, so each builds
its own throwaway database. Exits non-zero if any benchmark fails.
"""

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed = []
    for script in sorted(HERE.glob("*_bench.py")):
        print(f"== {script.name} ==", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent, check=False)
        outcome = "ok" if result.returncode == 0 else "FAILED"
        print(f"== {script.name}: {outcome} in {time.perf_counter() - started:.0f} s\n")
        if result.returncode != 0:
            failed.append(script.name)
    if failed:
        print(f"Failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
