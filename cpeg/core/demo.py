"""The demo data set for ``make run``: built through the real services.

Each app contributes a step (a function taking a ``DemoContext``); the
``load_demo_data`` command runs them in ``DEMO_STEPS`` order inside one
transaction. Demo accounts exist only here, never in migrations.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from functools import cache

DEMO_PASSWORD = "demo"


@cache
def demo_password_hash() -> str:
    """Hash "demo" once: hashing it per account would slow the load by seconds."""
    from django.contrib.auth.hashers import make_password

    return make_password(DEMO_PASSWORD)


def create_demo_user(**fields):
    """A demo account whose password is "demo"."""
    from django.contrib.auth import get_user_model

    user = get_user_model()(**fields)
    user.password = demo_password_hash()
    user.save()
    return user


@dataclass
class DemoContext:
    today: dt.date
    rng: random.Random
    officer: object = None
    manager: object = None
    groups: dict = field(default_factory=dict)  # borough slug -> EngagementGroup
    admins: dict = field(default_factory=dict)  # borough slug -> User
    log: list = field(default_factory=list)


FIRST_NAMES = [
    "Amara",
    "Ben",
    "Chloe",
    "Darius",
    "Eleanor",
    "Farid",
    "Grace",
    "Hamza",
    "Imogen",
    "Jamal",
    "Kiran",
    "Leah",
    "Marcus",
    "Nadia",
    "Oliver",
    "Priya",
    "Quentin",
    "Rosa",
    "Samir",
    "Tessa",
    "Uchenna",
    "Victor",
    "Winston",
    "Yasmin",
    "Zainab",
    "Aled",
    "Bridget",
    "Callum",
    "Delroy",
    "Esme",
]
SURNAMES = [
    "Adeyemi",
    "Brennan",
    "Chowdhury",
    "Da Silva",
    "Evans",
    "Fitzgerald",
    "Gupta",
    "Harrison",
    "Ibrahim",
    "Johnson",
    "Kowalski",
    "Lewis",
    "Mensah",
    "Nguyen",
    "O'Connor",
    "Patel",
    "Quinn",
    "Rahman",
    "Smith",
    "Thompson",
    "Usman",
    "Varga",
    "Williams",
    "Xu",
    "Yilmaz",
    "Zaman",
    "Okafor",
    "Murphy",
    "Begum",
    "Clarke",
]


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


# Apps whose ``demo.load(ctx)`` builds part of the demo, in dependency order.
DEMO_APPS = ["groups", "accounts", "agreements", "activities", "monitoring", "funding", "membership"]


def demo_steps(only=None):
    """Every app's demo step, in dependency order (apps without one are skipped).

    ``only`` limits the steps to some apps (in DEMO_APPS order).
    """
    import importlib

    steps = []
    for app in DEMO_APPS:
        if only is not None and app not in only:
            continue
        try:
            module = importlib.import_module(f"cpeg.{app}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"cpeg.{app}.demo":
                raise
            continue
        steps.append(module.load)
    return steps
