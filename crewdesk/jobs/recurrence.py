"""(being written) Recurring jobs from a property service's rule."""

GENERATE_AHEAD_DAYS = 60


def recurring_jobs_generate(ps, *, actor=None, horizon_days=GENERATE_AHEAD_DAYS) -> int:
    raise NotImplementedError


def recurring_jobs_regenerate(ps, *, actor=None) -> int:
    raise NotImplementedError


def recurring_jobs_remove_future(ps, *, actor=None) -> int:
    raise NotImplementedError
