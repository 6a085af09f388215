"""Background tasks of the page framework, run by `jixiao worker`."""

import datetime as dt

from django.core.files.storage import default_storage
from django.utils import timezone
from django_tasks import task

STAGED_DIR = "imports"
STAGED_MAX_AGE = dt.timedelta(hours=24)


@task()
def purge_stale_uploads() -> int:
    """Delete staged import files nobody committed within a day (a preview left open).

    Enqueued whenever a file is staged, so the folder never grows beyond a day's uploads.
    Returns how many files were removed.
    """
    if not default_storage.exists(STAGED_DIR):
        return 0
    cutoff = timezone.now() - STAGED_MAX_AGE
    removed = 0
    for name in default_storage.listdir(STAGED_DIR)[1]:
        path = f"{STAGED_DIR}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            removed += 1
    return removed
