from tests.access import EVERYONE, SIGNED_IN, AccessCase

CASES = [
    # Signed-in people are sent on from the sign-in page.
    AccessCase("accounts:sign-in", EVERYONE, allowed_status=(200, 302)),
    AccessCase("accounts:sign-out", SIGNED_IN, post_only=True, allowed_status=(302,)),
]
