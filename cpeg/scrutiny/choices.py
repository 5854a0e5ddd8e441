"""The police.uk stop and search vocabularies, and how each value is counted.

police.uk publishes two vocabularies: the current one (2011 census
ethnicity, "A no further action disposal") and the one used before 2017
(2001 census codes such as "(W1)", "Suspect arrested"). Months were never
re-coded, so an import must read both. See docs/scrutiny.md.
"""

from django.db import models


class Force(models.TextChoices):
    METROPOLITAN = "metropolitan", "Metropolitan Police Service"
    CITY_OF_LONDON = "city-of-london", "City of London Police"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Not imported"
    REPLACED = "replaced", "Replaced by a later import"


class LocationStatus(models.TextChoices):
    IN_BOROUGH = "in_borough", "In a borough"
    OUTSIDE = "outside", "Located outside every borough"
    NONE = "none", "No location published"


class Outcome(models.TextChoices):
    NO_FURTHER_ACTION = "nfa", "No further action"
    ARREST = "arrest", "Arrest"
    COMMUNITY_RESOLUTION = "community_resolution", "Community resolution"
    PENALTY_NOTICE = "penalty_notice", "Penalty notice for disorder"
    SUMMONS = "summons", "Summons or charged by post"
    CAUTION = "caution", "Caution"
    DRUGS_WARNING = "drugs_warning", "Khat or cannabis warning"
    NOT_RECORDED = "none", "Not recorded"


# Every outcome string police.uk uses, current and pre-2017, to one outcome.
OUTCOME_TEXT = {
    "a no further action disposal": Outcome.NO_FURTHER_ACTION,
    "nothing found - no further action": Outcome.NO_FURTHER_ACTION,
    "arrest": Outcome.ARREST,
    "suspect arrested": Outcome.ARREST,
    "community resolution": Outcome.COMMUNITY_RESOLUTION,
    "local resolution": Outcome.COMMUNITY_RESOLUTION,
    "penalty notice for disorder": Outcome.PENALTY_NOTICE,
    "offender given penalty notice": Outcome.PENALTY_NOTICE,
    "summons / charged by post": Outcome.SUMMONS,
    "suspect summonsed to court": Outcome.SUMMONS,
    "caution (simple or conditional)": Outcome.CAUTION,
    "offender cautioned": Outcome.CAUTION,
    "khat or cannabis warning": Outcome.DRUGS_WARNING,
    "offender given drugs possession warning": Outcome.DRUGS_WARNING,
    "": Outcome.NOT_RECORDED,
}
# The API's older answers: ``false`` meant nothing found.
API_OUTCOME_FALSE = Outcome.NO_FURTHER_ACTION


class EthnicGroup(models.TextChoices):
    """The five census groups, and "not stated" (left out of rates)."""

    WHITE = "white", "White"
    BLACK = "black", "Black"
    ASIAN = "asian", "Asian"
    MIXED = "mixed", "Mixed"
    OTHER = "other", "Other"
    NOT_STATED = "none", "Not stated"


# Self-defined: the text before " - " names the group (current vocabulary),
# the code in brackets does (pre-2017). "Other ethnic group - Not stated" is
# not "Other": it means not stated (NOTES.md Q2).
SELF_GROUP_PREFIX = {
    "white": EthnicGroup.WHITE,
    "mixed/multiple ethnic groups": EthnicGroup.MIXED,
    "asian/asian british": EthnicGroup.ASIAN,
    "black/african/caribbean/black british": EthnicGroup.BLACK,
    "other ethnic group": EthnicGroup.OTHER,
}
LEGACY_CODE_GROUP = {
    "W": EthnicGroup.WHITE,
    "M": EthnicGroup.MIXED,
    "A": EthnicGroup.ASIAN,
    "B": EthnicGroup.BLACK,
    "O1": EthnicGroup.ASIAN,  # Chinese: under "Other" in 2001, "Asian" in 2011
    "O9": EthnicGroup.OTHER,
    "NS": EthnicGroup.NOT_STATED,
}
# The census file's collapse (Black Thrive, from ONS TS021): Mixed White and
# Black Caribbean / African count as Black; Mixed White and Asian and other
# Mixed stay Mixed. Used only for rates against that file's population.
MIXED_BLACK_DETAILS = ("white and black caribbean", "white and black african", "(m1)", "(m2)")

OFFICER_GROUPS = {
    "white": EthnicGroup.WHITE,
    "black": EthnicGroup.BLACK,
    "asian": EthnicGroup.ASIAN,
    "other": EthnicGroup.OTHER,
    "mixed": EthnicGroup.MIXED,
    "": EthnicGroup.NOT_STATED,
}

AGE_RANGES = ("under 10", "10-17", "18-24", "25-34", "over 34")
