"""The parts other apps add to the invoice page: its registration point (core.panels).

An app that keeps something about an invoice (the payments on it, "Record payment")
registers a Panel in its AppConfig.ready(), with its context as `context(request, invoice)`.
The page has two places: "actions", among the invoice's buttons, and "side", above its
history."""

from crewdesk.core.panels import PanelRegistry

INVOICE_PANELS = PanelRegistry("the invoice page")
