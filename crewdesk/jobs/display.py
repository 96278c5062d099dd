"""The parts other apps add to the job page: its registration point (core.panels).

An app that keeps something about a job (what of it is invoiced) registers a Panel in its
AppConfig.ready(), with its context as `context(request, job)`. The page has two places:
"main", under the job's lines, and "side", above its notes."""

from crewdesk.core.panels import PanelRegistry

JOB_PANELS = PanelRegistry("the job page")
