"""Load test: gunicorn + PostgreSQL with the scale data, two app servers.

Run: make loadtest   (or .venv/bin/python bench/loadtest.py --help)

Needs a PostgreSQL database holding the scale data set (``manage.py
make_scale_data --groups 2000 --years 5`` into an empty database) and
DATABASE_URL naming it; bench/README.md gives the whole recipe. The script:

1. starts two gunicorn servers (127.0.0.1:8101 and :8102, sync workers as
   docs/deploy.md, same settings and database) and the task worker
   (``manage.py db_worker``) on its own;
2. checks that the two servers share what they must: a session made on one
   is good on the other, an edit saved on one makes the same form on the
   other stale (refused), a create form's one-time token used on one makes
   no second record on the other, and a task queued by one is run by the
   worker (``--checks-only`` stops here);
3. signs in a few accounts (officer, manager, group administrators) and
   runs ``--users`` virtual users for ``--seconds``, each sending requests
   back to back over a weighted mix of signed-in pages, every request to the
   next server in turn (round robin); prints p50, p95, p99, the largest
   time and the errors per page, and each page's p95 as a multiple of the
   trivial page's (the password form) from the same run;
4. with ``--memory``, restarts one server with a single worker and reads
   that worker's peak resident memory (VmHWM) after the heaviest page and
   after the heaviest export.

Results also go to ``--out`` as JSON. Nothing here runs in ``make test``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
PORTS = (8101, 8102)
PASSWORD = os.environ.get("SCALE_PASSWORD", "scale")
# The settings the servers run with (production settings, plain HTTP on loopback).
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.base",
    "SECRET_KEY": os.environ.get("SECRET_KEY", "scale-load-test-only-not-secret-0123456789abcdef"),
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    # The scale accounts have no authenticator: the second step is off here
    # (it adds one request at sign-in, nothing per page).
    "TWO_FACTOR_REQUIRED": "false",
    "LOG_LEVEL": "WARNING",
}


# ---------------------------------------------------------------------------
# Servers


def _server_env() -> dict:
    env = {**os.environ, **SERVER_ENV}
    if "DATABASE_URL" not in env:
        sys.exit("Set DATABASE_URL to the PostgreSQL database holding the scale data (see bench/README.md).")
    return env


def start_server(port: int, workers: int) -> subprocess.Popen:
    cmd = [
        str(Path(PYTHON).with_name("gunicorn")),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "60",
        "--backlog",
        "256",
        "--log-level",
        "warning",
    ]
    log = open(f"/tmp/cpeg-loadtest-{port}.log", "ab")  # noqa: SIM115 (the server owns it)
    return subprocess.Popen(cmd, cwd=ROOT, env=_server_env(), stdout=log, stderr=log, start_new_session=True)


def start_worker() -> subprocess.Popen:
    log = open("/tmp/cpeg-loadtest-worker.log", "ab")  # noqa: SIM115
    return subprocess.Popen(
        [PYTHON, "manage.py", "db_worker"],
        cwd=ROOT,
        env=_server_env(),
        stdout=log,
        stderr=log,
        start_new_session=True,
    )


def wait_up(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the server on port {port} did not start (see /tmp/cpeg-loadtest-{port}.log)")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


# ---------------------------------------------------------------------------
# Forms and sign-in


class _FormParser(HTMLParser):
    """The fields of every <form> on a page: name -> value (as a browser would send)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "method": a.get("method", "get"), "fields": {}})
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields.setdefault(name, []).append(a.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            fields[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


def page_form(html: str, has: str) -> dict:
    """The fields of the page's first form with a field named ``has``."""
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        if has in form["fields"]:
            return dict(form["fields"])
    raise AssertionError(f"no form with a {has!r} field on the page")


def sign_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    url = f"{base}/accounts/sign-in/"
    fields = page_form(session.get(url, timeout=30).text, "csrfmiddlewaretoken")
    fields.update(username=username, password=PASSWORD)
    response = session.post(url, data=fields, headers={"Referer": url}, timeout=60, allow_redirects=False)
    assert response.status_code == 302, f"{username} could not sign in on {base} ({response.status_code})"
    return session


# ---------------------------------------------------------------------------
# What to request


def pick_targets() -> dict:
    """Ids from the scale data (read once with the ORM)."""
    sys.path.insert(0, str(ROOT))
    for key, value in SERVER_ENV.items():
        os.environ.setdefault(key, value)
    import django

    django.setup()
    from django.db.models import Max
    from django.utils import timezone

    from cpeg.accounts.models import RoleAssignment
    from cpeg.core.fiscal import FinancialYear
    from cpeg.funding.models import FundingRound
    from cpeg.groups.models import EngagementGroup
    from cpeg.monitoring.models import QuarterlyReturn

    groups = list(EngagementGroup.objects.filter(name__startswith="Scale group").values_list("pk", flat=True))
    if len(groups) < 10:
        sys.exit("The database holds no scale data: run manage.py make_scale_data first (bench/README.md).")
    rng = random.Random(14)
    sample = rng.sample(groups, 200)
    returns = list(QuarterlyReturn.objects.filter(group_id__in=sample).values_list("pk", flat=True))
    admins = list(
        RoleAssignment.objects.filter(role="group_admin", user__username__startswith="scale-admin-")
        .order_by("user__username")
        .values_list("user__username", "group_id")[:8]
    )
    newest = FundingRound.objects.aggregate(Max("financial_year"))["financial_year__max"]
    open_round = FundingRound.objects.get(financial_year=newest)
    decided = FundingRound.objects.filter(status="decided").order_by("-financial_year").first()
    past = FinancialYear.containing(timezone.localdate()).previous()
    return {
        "groups": sample,
        "returns": returns,
        "admins": admins,
        "open_round": open_round.pk,
        "decided_round": decided.pk,
        "past_year": past.start_year,
    }


TRIVIAL = "trivial: password form"


def page_mix(t: dict) -> list[tuple[str, str, int, object]]:
    """(label, role, weight, url or a function of rng giving one). Roles:
    officer, manager, admin (a group administrator on their own group)."""

    def any_group(fmt):
        return lambda rng: fmt.format(rng.choice(t["groups"]))

    return [
        (TRIVIAL, "officer", 10, "/accounts/password/"),
        ("groups dashboard", "officer", 6, "/groups/"),
        ("group page", "officer", 8, any_group("/groups/{}/")),
        ("group page, own (group admin)", "admin", 6, None),
        ("monitoring dashboard", "officer", 5, "/monitoring/"),
        ("scorecard", "officer", 4, any_group("/monitoring/groups/{}/scorecard/")),
        ("group's returns", "officer", 4, any_group("/monitoring/groups/{}/returns/")),
        ("return page", "officer", 8, lambda rng: f"/monitoring/returns/{rng.choice(t['returns'])}/"),
        ("activity list", "officer", 6, any_group("/activities/group/{}/")),
        ("activity list, own (group admin)", "admin", 6, None),
        ("activities summary", "officer", 3, "/activities/summary/"),
        ("SLA overview", "officer", 3, "/agreements/overview/"),
        ("group's SLA", "officer", 3, any_group("/agreements/groups/{}/")),
        ("funding rounds list", "officer", 4, "/funding/"),
        ("round page (open)", "manager", 3, f"/funding/rounds/{t['open_round']}/"),
        ("allocation", "manager", 3, f"/funding/rounds/{t['open_round']}/allocation/"),
        ("round payments", "manager", 3, f"/funding/rounds/{t['decided_round']}/payments/"),
        ("group's funding", "officer", 4, any_group("/funding/groups/{}/")),
        ("cost analysis", "officer", 3, f"/funding/cost-analysis/?year={t['past_year']}"),
        ("public directory", "officer", 2, "/directory/"),
        ("360Giving JSON", "officer", 1, f"/funding/rounds/{t['decided_round']}/360giving.json"),
        ("360Giving XLSX", "officer", 1, f"/funding/rounds/{t['decided_round']}/360giving.xlsx"),
    ]


# ---------------------------------------------------------------------------
# The load


def run_load(t: dict, users: int, seconds: float, ports, timeout: float, skip=()) -> dict:
    bases = [f"http://127.0.0.1:{p}" for p in ports]
    # A few real sign-ins (each on the next server), shared by the virtual
    # users: hashing a password per virtual user would only load the CPU.
    sessions = {"officer": [], "manager": [], "admin": []}
    n = 0
    for role, username in [("officer", "scale-officer"), ("officer", "scale-officer"), ("manager", "scale-manager")]:
        sessions[role].append((sign_in(bases[n % len(bases)], username), None))
        n += 1
    for username, group in t["admins"][:4]:
        sessions["admin"].append((sign_in(bases[n % len(bases)], username), group))
        n += 1
    mix = [m for m in page_mix(t) if m[0] == TRIVIAL or not any(word in m[0] for word in skip)]
    labels = [m[0] for m in mix]
    weights = [m[2] for m in mix]
    results = {label: [] for label in labels}  # label -> [(ms, ok, status)]
    lock = threading.Lock()
    counter = iter(range(10**9))
    stop_at = time.monotonic() + seconds

    def url_for(label, role, target, group, rng):
        if target is None:  # the admin's own group
            return f"/groups/{group}/" if label.startswith("group page") else f"/activities/group/{group}/"
        return target(rng) if callable(target) else target

    def user(index: int):
        rng = random.Random(index)
        clones = {}
        while time.monotonic() < stop_at:
            k = rng.choices(range(len(mix)), weights)[0]
            label, role, _, target = mix[k]
            pool = sessions[role]
            base_session, group = pool[index % len(pool)]
            # Each virtual user has its own connection pool but the shared cookies.
            session = clones.get(role)
            if session is None:
                session = clones[role] = requests.Session()
                session.cookies.update(base_session.cookies)
            base = bases[next(counter) % len(bases)]
            url = base + url_for(label, role, target, group, rng)
            started = time.perf_counter()
            try:
                response = session.get(url, timeout=timeout, allow_redirects=False)
                status = response.status_code
                ok = status == 200
            except requests.RequestException as exc:
                status, ok = type(exc).__name__, False
            ms = (time.perf_counter() - started) * 1000
            with lock:
                results[label].append((ms, ok, status))

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout + seconds + 30)
    elapsed = time.perf_counter() - started
    return {"elapsed": elapsed, "results": results}


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def summarise(run: dict) -> list[dict]:
    rows = []
    for label, samples in run["results"].items():
        times = [ms for ms, _, _ in samples]
        errors = [status for _, ok, status in samples if not ok]
        rows.append(
            {
                "page": label,
                "requests": len(samples),
                "p50": statistics.median(times) if times else float("nan"),
                "p95": percentile(times, 95),
                "p99": percentile(times, 99),
                "max": max(times) if times else float("nan"),
                "errors": len(errors),
                "error_kinds": sorted({str(e) for e in errors}),
            }
        )
    trivial = next(r["p95"] for r in rows if r["page"] == TRIVIAL)
    for row in rows:
        row["x_trivial_p95"] = row["p95"] / trivial if trivial else float("nan")
    return rows


def print_rows(rows: list[dict], run: dict, users: int, seconds: float) -> None:
    total = sum(r["requests"] for r in rows)
    errors = sum(r["errors"] for r in rows)
    print(
        f"\n{users} users for {seconds:.0f} s: {total} requests in {run['elapsed']:.0f} s "
        f"({total / run['elapsed']:.1f}/s), {errors} errors"
    )
    print(f"{'page':<34} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'err':>4} {'p95 x':>6}")
    for r in rows:
        print(
            f"{r['page']:<34} {r['requests']:>5} {r['p50']:>8.0f} {r['p95']:>8.0f} {r['p99']:>8.0f} "
            f"{r['max']:>8.0f} {r['errors']:>4} {r['x_trivial_p95']:>6.1f}"
            + (f"  {','.join(r['error_kinds'])}" if r["errors"] else "")
        )


# ---------------------------------------------------------------------------
# Two servers share what they must


def check_two_servers(t: dict) -> list[tuple[str, bool, str]]:
    """Each check: (what, held, detail)."""
    a, b = (f"http://127.0.0.1:{p}" for p in PORTS)
    checks = []
    username, group = t["admins"][0]

    # 1. A session made on A is good on B; signing out on B ends it on A.
    session = sign_in(a, username)
    on_b = session.get(f"{b}/accounts/password/", allow_redirects=False, timeout=30)
    checks.append(("session made on 8101 is signed in on 8102", on_b.status_code == 200, str(on_b.status_code)))

    # 2. Edit lock: the group's edit form, shown on A and on B; saved on A,
    # the form from B is stale and refused.
    edit = f"/groups/{group}/edit/"
    form_a = page_form(session.get(a + edit, timeout=30).text, "version")
    form_b = page_form(session.get(b + edit, timeout=30).text, "version")
    form_a["description"] = f"Edited on 8101 at {time.strftime('%H:%M:%S')}"
    form_b["description"] = "Edited on 8102 from a form shown before that"
    saved = session.post(a + edit, data=form_a, headers={"Referer": a + edit}, allow_redirects=False, timeout=30)
    stale = session.post(b + edit, data=form_b, headers={"Referer": b + edit}, allow_redirects=False, timeout=30)
    refused = stale.status_code == 400 and "someone else changed this record" in stale.text.lower()
    checks.append(
        (
            "edit saved on 8101 makes the same form on 8102 stale (refused)",
            saved.status_code == 302 and refused,
            f"save {saved.status_code}, stale form {stale.status_code}",
        )
    )

    # 3. Idempotent create: one blank form, its POST sent to A then to B.
    create = f"/activities/group/{group}/add/"
    fields = page_form(session.get(a + create, timeout=30).text, "form_token")
    title = f"Two servers check {time.time_ns()}"
    fields.update(activity_type="public_meeting", title=title, public_attendance="12")
    day = time.localtime(time.time() - 86400 * 3)
    fields.update(held_on_0=str(day.tm_mday), held_on_1=str(day.tm_mon), held_on_2=str(day.tm_year))
    first = session.post(a + create, data=fields, headers={"Referer": a + create}, allow_redirects=False, timeout=30)
    again = session.post(b + create, data=fields, headers={"Referer": b + create}, allow_redirects=False, timeout=30)
    listing = session.get(f"{a}/activities/group/{group}/", timeout=30).text
    made = listing.count(title)
    checks.append(
        (
            "a create form's token used on 8101 makes no second record on 8102",
            first.status_code == 302
            and again.status_code == 302
            and first.headers.get("Location") == again.headers.get("Location")
            and made == 1,
            f"{first.status_code} -> {first.headers.get('Location')}, {again.status_code} -> "
            f"{again.headers.get('Location')}, {made} listed",
        )
    )

    # 4. A task queued on B (a password reset email) is run by the worker.
    from django_tasks_db.models import DBTaskResult

    before = set(DBTaskResult.objects.values_list("pk", flat=True))
    reset = f"{b}/accounts/password/reset/"
    anonymous = requests.Session()
    fields = page_form(anonymous.get(reset, timeout=30).text, "email")
    fields["email"] = f"{username}@example.org"
    anonymous.post(reset, data=fields, headers={"Referer": reset}, timeout=30)
    deadline = time.monotonic() + 30
    status = "none queued"
    while time.monotonic() < deadline:
        new = DBTaskResult.objects.exclude(pk__in=before)
        if new.exists():
            status = new.first().status
            if status in ("SUCCESSFUL", "FAILED"):
                break
        time.sleep(0.5)
    checks.append(("a task queued on 8102 is run by the separate worker", status == "SUCCESSFUL", status))
    return checks


# ---------------------------------------------------------------------------
# Peak memory of one worker


def measure_memory(t: dict) -> list[tuple[str, float, float, float]]:
    """(what, peak RSS MB after start and a trivial page, after it, response MB)."""
    out = []
    cases = [
        ("heaviest page: cost analysis (officer)", f"/funding/cost-analysis/?year={t['past_year']}"),
        ("heaviest page: allocation (manager)", f"/funding/rounds/{t['open_round']}/allocation/"),
        ("heaviest export: 360Giving XLSX", f"/funding/rounds/{t['decided_round']}/360giving.xlsx"),
        ("heaviest export: 360Giving JSON", f"/funding/rounds/{t['decided_round']}/360giving.json"),
    ]
    for what, url in cases:
        server = start_server(PORTS[0], workers=1)
        try:
            wait_up(PORTS[0])
            base = f"http://127.0.0.1:{PORTS[0]}"
            username = "scale-manager" if "allocation" in url else "scale-officer"
            session = sign_in(base, username)
            session.get(base + "/accounts/password/", timeout=60)
            (pid,) = worker_pids(server.pid)
            before = peak_rss_mb(pid)
            size = 0
            for _ in range(3):
                response = session.get(base + url, timeout=120)
                assert response.status_code == 200, (url, response.status_code)
                size = len(response.content)
            out.append((what, before, peak_rss_mb(pid), size / 1e6))
        finally:
            stop(server)
    return out


# ---------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100, help="Concurrent virtual users (at most 100).")
    parser.add_argument("--seconds", type=float, default=60, help="How long the load runs.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server.")
    parser.add_argument("--timeout", type=float, default=30, help="A request taking longer is an error.")
    parser.add_argument("--checks-only", action="store_true", help="Only the two-server checks.")
    parser.add_argument("--memory", action="store_true", help="Also measure a worker's peak memory.")
    parser.add_argument(
        "--skip", default="", help="Leave out the pages whose names contain these words (comma-separated)."
    )
    parser.add_argument("--out", default="/tmp/cpeg-loadtest.json")
    args = parser.parse_args()
    users = min(args.users, 100)

    targets = pick_targets()
    report: dict = {"users": users, "seconds": args.seconds, "workers_per_server": args.workers}
    servers = [start_server(port, args.workers) for port in PORTS]
    worker = start_worker()
    failed = False
    try:
        for port in PORTS:
            wait_up(port)
        checks = check_two_servers(targets)
        report["two_servers"] = checks
        print("Two servers, one database:")
        for what, held, detail in checks:
            print(f"  {'ok  ' if held else 'FAIL'} {what} ({detail})")
            failed |= not held
        if not args.checks_only:
            run = run_load(targets, users, args.seconds, PORTS, args.timeout, [w for w in args.skip.split(",") if w])
            rows = summarise(run)
            report["pages"] = rows
            report["elapsed"] = run["elapsed"]
            print_rows(rows, run, users, args.seconds)
            failed |= any(r["errors"] for r in rows)
    finally:
        for process in (*servers, worker):
            stop(process)
    if args.memory:
        memory = measure_memory(targets)
        report["memory"] = memory
        print("\nPeak resident memory of one worker (VmHWM), 3 requests each:")
        for what, before, after, size in memory:
            print(f"  {what:<42} {before:6.0f} MB after a trivial page -> {after:6.0f} MB ({size:.1f} MB response)")
    Path(args.out).write_text(json.dumps(report, indent=1, default=str))
    print(f"\nResults: {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
