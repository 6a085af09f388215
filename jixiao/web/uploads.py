"""Staging of uploaded files between the two steps of an import (validate, then commit).

The file is kept under var/media/imports/ with a random name, remembered in the uploader's
session, and re-validated against the database at commit time: the preview a person saw is
never trusted as the thing to write.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest

from jixiao.core.errors import DomainError
from jixiao.web.tasks import STAGED_DIR, purge_stale_uploads

_ALLOWED = {".xlsx", ".xlsm", ".xls", ".csv"}
_SESSION_KEY = "jx_staged_uploads"


def read_upload(upload: UploadedFile[bytes] | None) -> tuple[str, bytes]:
    if upload is None:
        raise DomainError("请选择要导入的文件", field="file")
    name = PurePath(upload.name or "").name
    if PurePath(name).suffix.lower() not in _ALLOWED:
        raise DomainError(f"文件「{name}」的类型不受支持：应为 .xlsx、.xls 或 .csv 文件", field="file")
    if upload.size is not None and upload.size > settings.IMPORT_MAX_BYTES:
        limit = settings.IMPORT_MAX_BYTES // (1024 * 1024)
        raise DomainError(f"文件「{name}」超过 {limit} MB，请拆分后导入", field="file")
    return name, upload.read()


def stage(request: HttpRequest, kind: str, name: str, data: bytes) -> str:
    token = uuid.uuid4().hex
    path = default_storage.save(f"{STAGED_DIR}/{token}{PurePath(name).suffix.lower()}", ContentFile(data))
    staged = request.session.get(_SESSION_KEY, {})
    staged[token] = {"kind": kind, "name": name, "path": path}
    request.session[_SESSION_KEY] = staged
    transaction.on_commit(purge_stale_uploads.enqueue)
    return token


def take(request: HttpRequest, kind: str, token: str) -> tuple[str, bytes]:
    """The staged file for ``token`` if this session staged it for ``kind``; it is then gone."""
    staged = request.session.get(_SESSION_KEY, {})
    entry = staged.get(token)
    if entry is None or entry["kind"] != kind:
        raise DomainError("导入文件已失效，请重新上传")
    try:
        with default_storage.open(entry["path"], "rb") as fh:
            data = fh.read()
    except OSError:
        # Purged after a day, or staged on another web server without shared storage.
        raise DomainError("导入文件已失效，请重新上传") from None
    return entry["name"], data


def discard(request: HttpRequest, token: str) -> None:
    staged = request.session.get(_SESSION_KEY, {})
    entry = staged.pop(token, None)
    if entry is not None:
        default_storage.delete(entry["path"])
        request.session[_SESSION_KEY] = staged
