"""Each page of the load test's mix (the second of two requests), in-process, on the scale data:
wall time, SQL queries and SQL time, response size. Finds the slow pages
before a load test does.

Run: DATABASE_URL=postgres://.../scale .venv/bin/python bench/page_profile.py [label substring]
"""

import sys
import time

import loadtest

targets = loadtest.pick_targets()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cpeg.accounts.models import User  # noqa: E402


def main() -> None:
    only = sys.argv[1] if len(sys.argv) > 1 else ""
    clients = {}
    for role, username in (("officer", "scale-officer"), ("manager", "scale-manager")):
        clients[role] = Client()
        clients[role].force_login(User.objects.get(username=username))
    admin_name, group = targets["admins"][0]
    clients["admin"] = Client()
    clients["admin"].force_login(User.objects.get(username=admin_name))
    import random

    rng = random.Random(1)
    print(f"{'page':<34} {'ms':>7} {'queries':>7} {'sql ms':>7} {'KB':>7} status")
    for label, role, _, target in loadtest.page_mix(targets):
        if only not in label:
            continue
        if target is None:
            url = f"/groups/{group}/" if label.startswith("group page") else f"/activities/group/{group}/"
        else:
            url = target(rng) if callable(target) else target
        clients[role].get(url, HTTP_HOST="127.0.0.1")  # the first request of a process loads templates
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = clients[role].get(url, HTTP_HOST="127.0.0.1")
            ms = (time.perf_counter() - started) * 1000
        sql = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
        print(
            f"{label:<34} {ms:>7.0f} {len(ctx.captured_queries):>7} {sql:>7.0f} "
            f"{len(response.content) / 1024:>7.0f} {response.status_code}",
            flush=True,
        )


if __name__ == "__main__":
    main()
