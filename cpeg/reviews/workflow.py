"""An annual review's states: draft -> published -> (a manager starts a
new) draft -> published (the next version)."""

from cpeg.core.workflow import Workflow
from cpeg.reviews.choices import ReviewStatus

REVIEW_WORKFLOW = Workflow(
    name="annual review",
    transitions={
        ReviewStatus.DRAFT: frozenset({ReviewStatus.PUBLISHED}),
        ReviewStatus.PUBLISHED: frozenset({ReviewStatus.DRAFT}),
    },
)


def is_draft(review) -> bool:
    return review.status == ReviewStatus.DRAFT


def can_write_narrative(user, review) -> bool:
    return is_draft(review) and user.has_perm("reviews.change_annualreview", review)


def can_publish(user, review) -> bool:
    return REVIEW_WORKFLOW.allows(review, to=ReviewStatus.PUBLISHED) and user.has_perm(
        "reviews.publish_annualreview", review
    )


def can_start_new_draft(user, review) -> bool:
    return REVIEW_WORKFLOW.allows(review, to=ReviewStatus.DRAFT) and user.has_perm(
        "reviews.publish_annualreview", review
    )
