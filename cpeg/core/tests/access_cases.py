from tests.access import ANY_ACCOUNT, EVERYONE, AccessCase

CASES = [
    # Home is each signed-in person's to-do list; anyone else goes on to
    # the public directory.
    AccessCase("core:home", EVERYONE, allowed_status=(200, 302)),
    AccessCase("core:healthcheck", EVERYONE),
    AccessCase("core:session-status", EVERYONE),
    AccessCase("core:session-keep-alive", ANY_ACCOUNT, post_only=True, allowed_status=(302,)),
]
