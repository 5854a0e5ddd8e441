"""Kinds of member, and the Census 2021 categories of equality monitoring.

The equality questions use the categories of the Census 2021 for England
and Wales, each with "Prefer not to say", so a group's answers can be
compared with its borough's population. Ethnic group has the 19 census
categories; reports roll them up to the 5 high-level groups, and, for the
comparison with the population table this product holds (a collapsed one:
see ``membership/data/README.md``), to the same collapsed groups.
"""

from django.db import models

PREFER_NOT_TO_SAY = "prefer_not_to_say"


class MemberType(models.TextChoices):
    ORGANISATION = "organisation", "Member organisation"
    INDIVIDUAL = "individual", "Individual member"


class OrganisationKind(models.TextChoices):
    RESIDENTS_ASSOCIATION = "residents_association", "Residents' association"
    FAITH_GROUP = "faith_group", "Faith group"
    YOUTH_GROUP = "youth_group", "Youth group"
    BUSINESS = "business", "Business"
    WARD_PANEL = "ward_panel", "Safer Neighbourhood ward panel"
    OTHER = "other", "Other"


class EthnicGroup(models.TextChoices):
    ASIAN_BANGLADESHI = "asian_bangladeshi", "Asian, Asian British or Asian Welsh: Bangladeshi"
    ASIAN_CHINESE = "asian_chinese", "Asian, Asian British or Asian Welsh: Chinese"
    ASIAN_INDIAN = "asian_indian", "Asian, Asian British or Asian Welsh: Indian"
    ASIAN_PAKISTANI = "asian_pakistani", "Asian, Asian British or Asian Welsh: Pakistani"
    ASIAN_OTHER = "asian_other", "Asian, Asian British or Asian Welsh: Other Asian"
    BLACK_AFRICAN = "black_african", "Black, Black British, Black Welsh, Caribbean or African: African"
    BLACK_CARIBBEAN = "black_caribbean", "Black, Black British, Black Welsh, Caribbean or African: Caribbean"
    BLACK_OTHER = "black_other", "Black, Black British, Black Welsh, Caribbean or African: Other Black"
    MIXED_WHITE_ASIAN = "mixed_white_asian", "Mixed or Multiple ethnic groups: White and Asian"
    MIXED_WHITE_BLACK_AFRICAN = (
        "mixed_white_black_african",
        "Mixed or Multiple ethnic groups: White and Black African",
    )
    MIXED_WHITE_BLACK_CARIBBEAN = (
        "mixed_white_black_caribbean",
        "Mixed or Multiple ethnic groups: White and Black Caribbean",
    )
    MIXED_OTHER = "mixed_other", "Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups"
    WHITE_BRITISH = "white_british", "White: English, Welsh, Scottish, Northern Irish or British"
    WHITE_IRISH = "white_irish", "White: Irish"
    WHITE_GYPSY_TRAVELLER = "white_gypsy_traveller", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "white_roma", "White: Roma"
    WHITE_OTHER = "white_other", "White: Other White"
    OTHER_ARAB = "other_arab", "Other ethnic group: Arab"
    OTHER_ANY = "other_any", "Other ethnic group: Any other ethnic group"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, "Prefer not to say"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, "Prefer not to say"


class AgeBand(models.TextChoices):
    UNDER_16 = "under_16", "Under 16"
    AGE_16_24 = "16_24", "16 to 24"
    AGE_25_34 = "25_34", "25 to 34"
    AGE_35_44 = "35_44", "35 to 44"
    AGE_45_54 = "45_54", "45 to 54"
    AGE_55_64 = "55_64", "55 to 64"
    AGE_65_74 = "65_74", "65 to 74"
    AGE_75_PLUS = "75_plus", "75 or over"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, "Prefer not to say"


class Disability(models.TextChoices):
    LIMITED_A_LOT = "limited_a_lot", "Disabled: day-to-day activities limited a lot"
    LIMITED_A_LITTLE = "limited_a_little", "Disabled: day-to-day activities limited a little"
    NOT_DISABLED = "not_disabled", "Not disabled"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, "Prefer not to say"


class Religion(models.TextChoices):
    NO_RELIGION = "no_religion", "No religion"
    CHRISTIAN = "christian", "Christian"
    BUDDHIST = "buddhist", "Buddhist"
    HINDU = "hindu", "Hindu"
    JEWISH = "jewish", "Jewish"
    MUSLIM = "muslim", "Muslim"
    SIKH = "sikh", "Sikh"
    OTHER = "other", "Any other religion"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, "Prefer not to say"


class SexualOrientation(models.TextChoices):
    STRAIGHT = "straight", "Straight or Heterosexual"
    GAY_LESBIAN = "gay_lesbian", "Gay or Lesbian"
    BISEXUAL = "bisexual", "Bisexual"
    OTHER = "other", "All other sexual orientations"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, "Prefer not to say"


# The 5 high-level Census 2021 groups, in the census's order.
HIGH_LEVEL_GROUPS = (
    ("asian", "Asian, Asian British or Asian Welsh"),
    ("black", "Black, Black British, Black Welsh, Caribbean or African"),
    ("mixed", "Mixed or Multiple ethnic groups"),
    ("white", "White"),
    ("other", "Other ethnic group"),
)


def high_level_group(value: str) -> str:
    """The high-level group of one of the 19 categories ("" for prefer not to say)."""
    return "" if value == PREFER_NOT_TO_SAY else value.split("_", 1)[0]


# The groups of the reference population table, which folds the Mixed
# White and Black categories into Black (see data/README.md). Members'
# answers are folded the same way before they are compared with it.
COMPARISON_GROUPS = (
    ("asian", "Asian"),
    ("black", "Black, including Mixed White and Black"),
    ("mixed", "Mixed White and Asian, and Other Mixed"),
    ("white", "White"),
    ("other", "Other ethnic group"),
)


def comparison_group(value: str) -> str:
    """The reference table's group of one of the 19 categories ("" if not given)."""
    if value in (EthnicGroup.MIXED_WHITE_BLACK_AFRICAN, EthnicGroup.MIXED_WHITE_BLACK_CARIBBEAN):
        return "black"
    return high_level_group(value)


# The characteristics a profile records, with their choices, in form order.
CHARACTERISTICS = (
    ("sex", "Sex", Sex),
    ("age_band", "Age", AgeBand),
    ("disability", "Disability", Disability),
    ("religion", "Religion", Religion),
    ("sexual_orientation", "Sexual orientation", SexualOrientation),
)

# The characteristics an organisation's profile of the people it speaks
# for, and a borough population table, may hold: ethnic group by the 5
# high-level groups first, then the others. Their categories are the
# equality form's, without "prefer not to say" (``profile_categories``).
PROFILE_CHARACTERISTICS = (("ethnic_group", "Ethnic group"),) + tuple(
    (name, label) for name, label, _choices in CHARACTERISTICS
)
PROFILE_CHARACTERISTIC_LABELS = dict(PROFILE_CHARACTERISTICS)
# An organisation's count of people whose characteristic it does not know
# is kept under the same key as members' "prefer not to say".
NOT_KNOWN = PREFER_NOT_TO_SAY


def profile_categories(characteristic: str) -> list[tuple[str, str]]:
    """The categories of a profile characteristic (no "prefer not to say")."""
    if characteristic == "ethnic_group":
        return list(HIGH_LEVEL_GROUPS)
    choices = next(c for name, _label, c in CHARACTERISTICS if name == characteristic)
    return [(value, label) for value, label in choices.choices if value != PREFER_NOT_TO_SAY]


# The SLA outputs the membership records evidence (agreements.sla_source).
MEMBERSHIP_REVIEW_OUTPUT = "membership-review"
DIVERSITY_MONITORING_OUTPUT = "diversity-monitoring"


# --- Capacity: the skills audit ---------------------------------------------


class SkillLevel(models.TextChoices):
    NONE = "none", "No experience yet"
    SOME = "some", "Some experience"
    CONFIDENT = "confident", "Confident"
    EXPERT = "expert", "Could train others"


# The authority's starting skill list: migration 0003 loads it (its own
# frozen copy); ``services.skills_seed`` restores it where a database was
# emptied (the demo, tests after a flush). Managers change it afterwards.
SEED_SKILLS = (
    ("Chairing meetings", "Running a public meeting: agenda, time, fair hearing, decisions recorded"),
    ("Finance and budgeting", "Keeping accounts, budgets and the funding application and returns"),
    ("Safeguarding", "Keeping children and adults at risk safe at meetings and events"),
    ("Data protection", "Handling members' personal data under UK GDPR, including equality monitoring"),
    ("Engagement methods", "Reaching people who do not come to meetings: surveys, events, outreach"),
    ("Equality and diversity", "Widening membership; the Equality Act 2010"),
    ("Writing reports and newsletters", "Plain English reports, newsletters and the annual report"),
    ("Holding police to account", "Scrutiny of local policing: questions, stop and search, custody"),
)

# --- Alternative funding and support ----------------------------------------


class OtherFundingStatus(models.TextChoices):
    APPLIED = "applied", "Applied, waiting for a decision"
    AWARDED = "awarded", "Awarded"
    REFUSED = "refused", "Refused"


class SupportKind(models.TextChoices):
    VOLUNTEER_BUREAU = "volunteer_bureau", "Volunteer bureau or centre"
    COUNCIL = "council", "Council"
    CVS = "cvs", "Council for voluntary service"
    POLICE = "police", "Police"
    BUSINESS = "business", "Local business"
    OTHER = "other", "Other"
