from tests.access import EVERYONE, SIGNED_IN, AccessCase

CASES = [
    # Home redirects everyone to their starting page.
    AccessCase("core:home", EVERYONE, allowed_status=(302,)),
    AccessCase("core:healthcheck", EVERYONE),
    AccessCase("core:session-status", EVERYONE),
    AccessCase("core:session-keep-alive", SIGNED_IN, post_only=True, allowed_status=(302,)),
]
