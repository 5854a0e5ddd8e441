from cpeg.api.models import ApiToken
from tests.access import AUTHORITY, EVERYONE, AccessCase

# Partner endpoints: the people who may read Camden's records on the pages.
CAMDEN_PARTNERS = AUTHORITY | {"camden_admin", "camden_exec", "link_member"}
TOKEN_MAKERS = AUTHORITY | {"link_member"}


def link_members_token(w):
    def build(w):
        return ApiToken.objects.create(user=w.users["link_member"], name="Tool", prefix="abcd1234", key_hash="0" * 64)

    return {"pk": w.make("token", build).pk}


CASES = [
    # The JSON API (namespace "api"); a refused anonymous call gets 401.
    AccessCase("api:openapi-json", EVERYONE),
    AccessCase("api:api-root", frozenset()),
    AccessCase("api:list_groups", EVERYONE),
    AccessCase("api:get_group", EVERYONE, lambda w: {"slug": w.camden.slug}),
    AccessCase("api:list_meetings", EVERYONE),
    # No round is decided in the matrix's world: 404 for everyone alike.
    AccessCase("api:get_grants", frozenset(), lambda w: {"year": 2025}),
    # Published annual reviews: the list is public; a year with none published is a 404 to everyone.
    AccessCase("api:list_reviews", EVERYONE),
    AccessCase("api:get_review", frozenset(), lambda w: {"year": 2018}),
    AccessCase("api:list_borough_activities", CAMDEN_PARTNERS, lambda w: {"slug": w.camden.borough.slug}),
    # The pages where a link member or officer makes and revokes tokens.
    AccessCase("api-tokens:token-list", TOKEN_MAKERS, post=True),
    AccessCase("api-tokens:token-revoke", {"link_member", "manager"}, link_members_token, post=True),
]
