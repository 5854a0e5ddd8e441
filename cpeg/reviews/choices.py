from django.db import models


class ReviewStatus(models.TextChoices):
    """An annual review's place in the workflow: a draft officers narrate,
    then published by a manager (frozen as a ``ReviewVersion``); a manager
    may start a new draft after publishing, for a corrected version."""

    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
