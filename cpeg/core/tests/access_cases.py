from tests.access import EVERYONE, AccessCase

CASES = [
    # Home redirects everyone to their starting page.
    AccessCase("core:home", EVERYONE, allowed_status=(302,)),
    AccessCase("core:healthcheck", EVERYONE),
]
