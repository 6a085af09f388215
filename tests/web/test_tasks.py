import os
import time
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from jixiao.web.tasks import STAGED_DIR, purge_stale_uploads


# The worker closes its database connections when it stops, as a real worker process does;
# only a transactional test survives that on PostgreSQL.
@pytest.mark.django_db(transaction=True)
def test_the_worker_purges_staged_uploads_older_than_a_day(settings: Any, tmp_path: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    old = default_storage.save(f"{STAGED_DIR}/old.xlsx", ContentFile(b"x"))
    fresh = default_storage.save(f"{STAGED_DIR}/fresh.xlsx", ContentFile(b"y"))
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(default_storage.path(old), (two_days_ago, two_days_ago))
    result = purge_stale_uploads.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    done = DBTaskResult.objects.get(id=result.id)
    assert done.status == "SUCCESSFUL"
    assert done.return_value == 1
    assert not default_storage.exists(old) and default_storage.exists(fresh)
