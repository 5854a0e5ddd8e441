from tests.access import ANY_ACCOUNT, AUTHORITY, AccessCase

CASES = [
    AccessCase("notifications:notification-list", AUTHORITY),
    AccessCase("notifications:notification-list", AUTHORITY, query="status=failed"),
    # Everyone signed in (a custody visitor too) chooses how they get emails, for their own account.
    AccessCase("notifications:preferences", ANY_ACCOUNT, post=True),
]
