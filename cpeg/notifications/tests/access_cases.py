from tests.access import AUTHORITY, SIGNED_IN, AccessCase

CASES = [
    AccessCase("notifications:notification-list", AUTHORITY),
    AccessCase("notifications:notification-list", AUTHORITY, query="status=failed"),
    # Everyone signed in chooses how they get emails, for their own account.
    AccessCase("notifications:preferences", SIGNED_IN, post=True),
]
