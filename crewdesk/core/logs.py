"""Logging helpers named in settings.LOGGING."""

import logging


class NoTracebackForClientErrors(logging.Filter):
    """A 403 or a 404 is an answer to a request, not a failure of ours: one line each, without
    the traceback of the PermissionDenied or Http404 that produced it. 5xx keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
