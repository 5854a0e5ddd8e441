from tests.access import EVERYONE, AccessCase

CASES = [
    AccessCase("public:group-list", EVERYONE),
    AccessCase("public:group-detail", EVERYONE, lambda w: {"slug": w.camden.slug}),
]
