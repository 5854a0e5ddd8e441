from tests.access import EVERYONE, AccessCase

CASES = [
    # Home is each signed-in person's to-do list; anyone else goes on to
    # the public directory.
    AccessCase("core:home", EVERYONE, allowed_status=(200, 302)),
    AccessCase("core:healthcheck", EVERYONE),
]
