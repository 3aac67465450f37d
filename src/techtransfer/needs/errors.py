"""Stable, bilingual error codes of needs and challenges."""

from django.utils.translation import gettext_lazy as _

from techtransfer.core.errors import ErrorCode


class NeedErrors:
    NOT_EDITABLE = ErrorCode("need_not_editable", _("Only drafts and returned needs can be edited."), 409)
    ORG_NOT_VERIFIED = ErrorCode(
        "need_org_not_verified",
        _("Your organisation must be verified before it can submit needs."),
        409,
        named_message=_("%(organisation)s must be verified before it can submit needs."),
    )
    NOT_PUBLISHED = ErrorCode("need_not_published", _("A challenge can only be run on a published need."), 409)
    CHALLENGE_EXISTS = ErrorCode("challenge_exists", _("This need already runs as a challenge."), 409)
    BOUNTY_UNUSUAL = ErrorCode(
        "challenge_bounty_unusual",
        _(
            "The bounty is unusual (less than 1,000 yuan, or 100 million yuan or more): check the unit and the "
            "digits, or confirm that the amount is right."
        ),
        409,
    )
    SPLIT_INVALID = ErrorCode(
        "challenge_split_invalid", _("The shares of the bounty must be positive and add up to exactly 100%."), 400
    )
    WEIGHTS_INVALID = ErrorCode(
        "challenge_weights_invalid", _("Criteria weights must be positive and add up to exactly 100."), 400
    )
    CRITERION_NAME_INVALID = ErrorCode(
        "challenge_criterion_name_invalid", _("Give each criterion a name of at most 200 characters."), 400
    )
    DEADLINE_IN_PAST = ErrorCode("challenge_deadline_past", _("The submission deadline must be in the future."), 400)
    AGREEMENT_REQUIRED = ErrorCode(
        "challenge_agreement_required", _("Accept the challenge agreement before you see the problem or submit."), 403
    )
    DEADLINE_PASSED = ErrorCode(
        "challenge_deadline_passed", _("The submission deadline has passed; nothing is accepted after it."), 409
    )
    NOT_ELIGIBLE = ErrorCode("challenge_not_eligible", _("You are not eligible for this challenge."), 403)
    OWN_CHALLENGE = ErrorCode("challenge_own", _("The seeking organisation cannot submit to its own challenge."), 403)
    ALREADY_SUBMITTED = ErrorCode(
        "proposal_exists", _("You already have a proposal in this challenge; revise it instead."), 409
    )
    STALE_VERSION = ErrorCode(
        "proposal_stale",
        _("The proposal was changed in the meantime (another window or device). Reload and apply your changes again."),
        409,
    )
    BEFORE_DEADLINE = ErrorCode("challenge_still_open", _("Evaluation starts only after the submission deadline."), 409)
    CONFLICT_NOT_DECLARED = ErrorCode(
        "expert_conflicts_undeclared", _("Declare your conflicts of interest before scoring."), 409
    )
    CONFLICTED = ErrorCode(
        "expert_conflicted", _("You declared a conflict of interest with this proposal and may not score it."), 403
    )
    SCORE_LOCKED = ErrorCode("score_locked", _("Your score for this proposal is submitted and locked."), 409)
    SCORE_INVALID = ErrorCode("score_invalid", _("Give every criterion a score between 0 and 100."), 400)
    AWARD_INVALID = ErrorCode(
        "award_invalid", _("Choose between one winner and as many winners as the bounty has shares."), 400
    )
    AWARD_DUPLICATE = ErrorCode(
        "award_duplicate_winner",
        _("The same proposal was chosen for more than one place: choose each winner once."),
        400,
    )
    AWARD_UNKNOWN = ErrorCode(
        "award_unknown_proposal",
        _("A chosen proposal is not a proposal of this challenge: reload the page and choose again."),
        400,
    )
    AWARD_NOT_SHORTLISTED = ErrorCode(
        "award_not_shortlisted",
        _("Only shortlisted proposals can win: save the shortlist with every proposal you mean to award first."),
        409,
    )
    AWARD_EXCEEDS = ErrorCode("award_exceeds_bounty", _("The awards would exceed the bounty."), 409)
    EXPERT_EXISTS = ErrorCode("expert_exists", _("This person is already on the panel."), 409)
    EXPERT_IS_SOLVER = ErrorCode(
        "expert_is_solver",
        _("This person submitted a proposal to this challenge and cannot sit on its panel."),
        409,
    )
    SOLVER_IS_EXPERT = ErrorCode(
        "solver_is_expert",
        _("A member of this challenge's expert panel cannot submit a proposal to it."),
        409,
    )
    EXPERT_OF_SEEKER = ErrorCode(
        "expert_of_seeker",
        _("Members of the organisation that runs the challenge cannot judge it: choose someone from outside."),
        409,
    )
    UNKNOWN_USER = ErrorCode("unknown_user", _("There is no active account with this user name."), 400)
