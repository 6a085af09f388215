"""Evidence files (佐证材料) people attach to monitoring reports, self-evaluations and
rectification items: which files are accepted, under one rule."""

from pathlib import PurePath

from jixiao.core.errors import DomainError

MAX_BYTES = 20 * 1024 * 1024
TYPES = frozenset({".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx", ".ofd", ".zip"})


def evidence_name(name: str, size: int | None) -> str:
    """The file's own name (no directories, at most 200 characters), or ``DomainError`` saying in
    Chinese why the file is refused: a type not accepted, empty or too large."""
    name = PurePath(name).name[:200]
    if PurePath(name).suffix.lower() not in TYPES:
        raise DomainError(f"文件「{name}」的类型不受支持：应为 {'、'.join(sorted(TYPES))}")
    if not size or size > MAX_BYTES:
        raise DomainError(f"文件「{name}」为空或超过 {MAX_BYTES // 1024 // 1024} MB")
    return name
