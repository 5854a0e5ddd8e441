#!/usr/bin/env python3
"""Check the pinned requirements against known vulnerabilities (pip-audit).

    .venv/bin/python tools/audit_requirements.py [requirements.txt]

Runs ``pip-audit -r requirements.txt --no-deps --disable-pip`` (every
requirement is pinned, so nothing is installed or resolved) against PyPI's
JSON API, and says in words which of three things happened:

- a known vulnerability in a pinned version: exit 1 (CI fails);
- the service could not be reached, or some pinned versions are unknown to
  it and were not audited: a loud "NOT AUDITED" notice, exit 0;
- every requirement audited and none vulnerable: exit 0.

Why an unreachable service does not fail the run: the tests decide whether
this code is right; an outside service's outage says nothing about it, and a
red CI that nobody can fix trains people to ignore red. The notice names
every package not audited, so a reviewer sees it. See docs/security.md.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

PIP_AUDIT = Path(sys.executable).parent / "pip-audit"


def main(argv: list[str]) -> int:
    requirements = argv[0] if argv else "requirements.txt"
    with tempfile.TemporaryDirectory() as tmp:
        report_path = Path(tmp) / "report.json"
        command = [str(PIP_AUDIT), "-r", requirements, "--no-deps", "--disable-pip", "--progress-spinner", "off"]
        command += ["--format", "json", "--output", str(report_path), "--timeout", "30"]
        result = subprocess.run(command, capture_output=True, text=True)
        report = json.loads(report_path.read_text()) if report_path.exists() and report_path.stat().st_size else None
    if report is None:
        print("pip-audit: NOT AUDITED - the vulnerability service (PyPI's JSON API) could not be reached")
        print((result.stderr or result.stdout).strip()[-2000:])
        return 0
    dependencies = report["dependencies"]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = len(dependencies) - len(skipped)
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(f"VULNERABLE {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
    if skipped:
        print(f"pip-audit: NOT AUDITED - {len(skipped)} of {len(dependencies)} pinned requirements:")
        for dependency in skipped:
            print(f"  {dependency['skip_reason']}")
    print(f"pip-audit: {audited} audited, {len(vulnerable)} with known vulnerabilities, {len(skipped)} not audited")
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
