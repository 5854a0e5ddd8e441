#!/usr/bin/env python3
"""Scan the demo's signed-in pages for SQL injection with sqlmap, on loopback.

    .venv/bin/python tools/sqlmap_scan.py [--budget 900] [--per-target 120] [--user officer]

What it does:

1. Builds a fresh demo database in a temporary folder (``migrate`` and
   ``load_demo_data``, about a minute), or reuses a copy (``--database``).
2. Serves it with ``manage.py runserver 127.0.0.1:PORT``.
3. Signs in as ``--user`` (password ``demo``) and follows the links and GET
   forms of the signed-in pages (127.0.0.1 only, never sign-out), keeping
   each distinct (path, query parameter names) once.
4. Runs Debian's ``sqlmap`` (``apt-get install sqlmap``) on every query
   parameter of each of them, with the session cookie, ``--batch``, level 1,
   risk 1, each bounded by ``--per-target`` seconds and the whole scan by
   ``--budget`` seconds; prints every finding (an injectable parameter, a
   DBMS error in a response, a server error) and a summary. Exit 1 if a
   parameter is found injectable.

Only 127.0.0.1 is ever a target: the crawler refuses any other host and
every sqlmap target URL is checked. No sqlmap option that reaches elsewhere
is used (no ``--update``, ``--crawl``, ``--check-internet``, ``--tor``,
``--proxy``). As root, and unless ``--no-isolation``, the whole run
(server, crawler, sqlmap) happens in a new network namespace with only the
loopback interface (``unshare --net``), so nothing can leave the machine
even by mistake. See docs/security.md.
"""

import argparse
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
HOST = "127.0.0.1"
SKIP_PATHS = ("/accounts/sign-out", "/static/", "/media/", "/admin/")
FINDING_PATTERNS = [
    ("INJECTABLE", re.compile(r"is vulnerable|identified the following injection point|appears to be .* injectable")),
    ("possible", re.compile(r"might be injectable|heuristic \(basic\) test shows that .* might be injectable")),
    ("dbms error", re.compile(r"heuristic \(parsing\) test showed that the back-end DBMS could be")),
    ("server error", re.compile(r"\b500 \(Internal Server Error\)")),
]


def in_isolation(argv: list[str]) -> None:
    """Re-run this script in a network namespace with loopback only."""
    command = "ip link set lo up && exec " + " ".join(map(_quote, [sys.executable, __file__, *argv, "--isolated"]))
    os.execvp("unshare", ["unshare", "--net", "sh", "-c", command])


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


class LoopbackOnly(urllib.request.BaseHandler):
    def default_open(self, request):
        if urllib.parse.urlsplit(request.full_url).hostname != HOST:
            raise RuntimeError(f"refused to request {request.full_url}: not {HOST}")


class Links(HTMLParser):
    """Links and GET forms (as URLs with their fields' current values)."""

    def __init__(self):
        super().__init__()
        self.urls, self._form, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.urls.append(attrs["href"])
        elif tag == "form" and (attrs.get("method") or "get").lower() == "get":
            self._form = {"action": attrs.get("action") or "", "fields": {}}
        elif self._form is not None and tag in ("input", "select", "textarea") and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "file"):
                return
            if kind in ("checkbox", "radio") and attrs.get("name") in self._form["fields"]:
                return
            self._form["fields"][attrs["name"]] = attrs.get("value") or ("1" if kind != "text" else "test")
            self._select = attrs["name"] if tag == "select" else None
        elif tag == "option" and self._form is not None and self._select and attrs.get("value"):
            self._form["fields"][self._select] = attrs["value"]
            self._select = None

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            query = urllib.parse.urlencode(self._form["fields"])
            if query:
                self.urls.append(f"{self._form['action']}?{query}")
            self._form = None


def wait_for_port(port: int, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.5)
    raise SystemExit(f"the server did not start on {HOST}:{port}")


def sign_in(opener, base: str, username: str) -> None:
    page = opener.open(f"{base}/accounts/sign-in/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": "demo"}).encode()
    request = urllib.request.Request(f"{base}/accounts/sign-in/", data=data, headers={"Referer": base + "/"})
    response = opener.open(request)
    if "/accounts/sign-in/" in response.geturl():
        raise SystemExit(f"could not sign in as {username}")


def crawl(opener, base: str, max_pages: int) -> list[str]:
    """Signed-in URLs with query parameters, one per (path with record ids
    generalised, parameter names)."""
    seen_pages, queue, targets, shapes, per_path = set(), ["/"], [], set(), {}
    while queue and len(seen_pages) < max_pages:
        path = queue.pop(0)
        if path in seen_pages:
            continue
        seen_pages.add(path)
        try:
            response = opener.open(base + path, timeout=30)
        except Exception as error:  # noqa: BLE001 - a page that fails is reported, not fatal
            print(f"  crawl: {path}: {error}")
            continue
        if "text/html" not in response.headers.get("Content-Type", ""):
            continue
        parser = Links()
        parser.feed(response.read().decode(errors="replace"))
        for href in parser.urls:
            url = urllib.parse.urlsplit(urllib.parse.urljoin(base + path, href))
            if url.hostname != HOST or url.path.startswith(SKIP_PATHS):
                continue
            relative = url.path + (f"?{url.query}" if url.query else "")
            if url.query:
                # /groups/1/?year= and /groups/2/?year= run the same code:
                # one of them is scanned.
                generic_path = re.sub(r"/\d+(?=/|$)", "/{id}", url.path)
                shape = (generic_path, tuple(sorted(urllib.parse.parse_qs(url.query, keep_blank_values=True))))
                if shape not in shapes:
                    shapes.add(shape)
                    targets.append(relative)
            # Follow at most 5 URLs per path (pages of one list, filters).
            if per_path.get(url.path, 0) < 5 and relative not in seen_pages:
                per_path[url.path] = per_path.get(url.path, 0) + 1
                queue.append(relative)
    print(f"crawled {len(seen_pages)} pages; {len(targets)} distinct URLs with query parameters")
    return targets


def scan(url: str, cookie: str, seconds: int, output: Path) -> tuple[list[tuple[str, str]], str]:
    assert urllib.parse.urlsplit(url).hostname == HOST, url
    command = [
        "sqlmap", "-u", url, "--cookie", cookie, "--batch", "--disable-coloring", "--level=1", "--risk=1",
        "--threads=1", "--timeout=15", "--retries=1", "--skip-waf", "--flush-session",
        f"--output-dir={output}", "--answers=follow=N,redirect=N",
    ]  # fmt: skip
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=seconds, stdin=subprocess.DEVNULL)
        text, status = result.stdout + result.stderr, "done"
    except subprocess.TimeoutExpired as expired:
        text = (expired.stdout or b"").decode(errors="replace") if isinstance(expired.stdout, bytes) else ""
        status = f"stopped after {seconds}s"
    findings = []
    for line in text.splitlines():
        for kind, pattern in FINDING_PATTERNS:
            if pattern.search(line):
                findings.append((kind, line.strip()))
    # sqlmap re-checks a boolean-based hit before it trusts it; a hit that
    # fails the re-check is reported, but not counted as injectable.
    if "false positive or unexploitable" in text:
        findings = [("false positive (sqlmap's re-check)" if k == "INJECTABLE" else k, line) for k, line in findings]
    return findings, status


def build_database(folder: Path, env: dict) -> None:
    print("building the demo database (migrate, load_demo_data)...", flush=True)
    for command in (["migrate", "--noinput", "-v0"], ["load_demo_data"]):
        subprocess.run([str(PYTHON), "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, default=900, help="seconds for the whole sqlmap phase")
    parser.add_argument("--per-target", type=int, default=120, help="seconds for one URL")
    parser.add_argument("--max-pages", type=int, default=300)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--user", default="officer")
    parser.add_argument("--database", type=Path, help="a demo SQLite database to copy instead of building one")
    parser.add_argument("--no-isolation", action="store_true", help="do not use a loopback-only network namespace")
    parser.add_argument("--isolated", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if shutil.which("sqlmap") is None:
        raise SystemExit("sqlmap is not installed: apt-get install -y sqlmap")
    if not args.isolated and not args.no_isolation and os.geteuid() == 0 and shutil.which("unshare"):
        in_isolation(sys.argv[1:])
    print("network: loopback-only namespace" if args.isolated else "network: shared (targets checked: 127.0.0.1)")

    folder = Path(tempfile.mkdtemp(prefix="cpeg-sqlmap-"))
    database = folder / "scan.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_DEBUG": "true",
        "MEDIA_ROOT": str(folder / "media"),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
    }
    if args.database:
        shutil.copyfile(args.database, database)
    else:
        build_database(folder, env)
    server = subprocess.Popen(
        [str(PYTHON), "manage.py", "runserver", f"{HOST}:{args.port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "server.log", "w"),  # noqa: SIM115 - closed with the process
    )
    try:
        wait_for_port(args.port)
        base = f"http://{HOST}:{args.port}"
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(LoopbackOnly(), urllib.request.HTTPCookieProcessor(jar))
        sign_in(opener, base, args.user)
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        targets = crawl(opener, base, args.max_pages)
        deadline, injectable, scanned, all_findings = time.monotonic() + args.budget, 0, 0, []
        for path in targets:
            left = int(deadline - time.monotonic())
            if left < 10:
                print(f"budget spent: {len(targets) - scanned} URLs not scanned")
                break
            findings, status = scan(base + path, cookie, min(args.per_target, left), folder / "sqlmap")
            scanned += 1
            print(f"[{scanned}/{len(targets)}] {path}: {status}, {len(findings)} finding(s)", flush=True)
            for kind, line in findings:
                print(f"    {kind}: {line}")
                all_findings.append((path, kind, line))
                injectable += kind == "INJECTABLE"
        found = f"{len(all_findings)} findings, {injectable} injectable"
        print(f"\nsummary: {scanned} of {len(targets)} URLs scanned, {found}")
        errors = (folder / "server.log").read_text().count("Internal Server Error")
        print(f"server log: {errors} internal server errors (log kept in {folder / 'server.log'})")
        return 1 if injectable else 0
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    sys.exit(main())
