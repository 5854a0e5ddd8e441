"""Kinds of activity a group records, and the SLA output each evidences."""

from django.db import models


class ActivityType(models.TextChoices):
    PUBLIC_MEETING = "public_meeting", "Public meeting"
    TARGETED_EVENT = "targeted_event", "Targeted event or conference"
    FACE_THE_PEOPLE = "face_the_people", "Face the People event"
    NEWSLETTER = "newsletter", "Newsletter"
    ANNUAL_REPORT = "annual_report", "Annual report"
    CONSULTATION_PRODUCT = "consultation_product", "Consultation product (local survey)"
    TRAINING = "training", "Training"
    OTHER = "other", "Other activity"


# The SLA output (template code) each kind of activity counts towards by
# default; a group may tick further outputs an activity evidences.
DEFAULT_OUTPUT_FOR_TYPE = {
    ActivityType.PUBLIC_MEETING: "public-meetings",
    ActivityType.NEWSLETTER: "newsletters",
    ActivityType.ANNUAL_REPORT: "annual-report",
    ActivityType.FACE_THE_PEOPLE: "two-way-engagement",
    ActivityType.TRAINING: "executive-training",
}

# Activities with a place and an audience (attendance is recorded).
ATTENDED_TYPES = frozenset(
    {
        ActivityType.PUBLIC_MEETING,
        ActivityType.TARGETED_EVENT,
        ActivityType.FACE_THE_PEOPLE,
        ActivityType.TRAINING,
        ActivityType.OTHER,
    }
)


class DocumentType(models.TextChoices):
    MINUTES = "minutes", "Minutes"
    AGENDA = "agenda", "Agenda"
    NEWSLETTER = "newsletter", "Newsletter"
    ANNUAL_REPORT = "annual_report", "Annual report"
    SURVEY_REPORT = "survey_report", "Survey or consultation report"
    PHOTO = "photo", "Photograph"
    OTHER = "other", "Other document"


# Upcoming activities of these types, marked public, are listed on the
# group's public page.
PUBLIC_MEETING_TYPES = frozenset(
    {ActivityType.PUBLIC_MEETING, ActivityType.FACE_THE_PEOPLE, ActivityType.TARGETED_EVENT}
)

# Marked "show on the public page" unless the group says otherwise. A
# targeted event (e.g. a session with young people or one community) is
# not advertised to everyone unless the group chooses to.
PUBLIC_BY_DEFAULT_TYPES = frozenset({ActivityType.PUBLIC_MEETING, ActivityType.FACE_THE_PEOPLE})


def public_by_default(activity_type: str) -> bool:
    """Whether an activity of this type is shown on the public page unless
    the group says otherwise."""
    return activity_type in PUBLIC_BY_DEFAULT_TYPES
