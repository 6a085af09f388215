from typing import Any

from django.core.exceptions import ValidationError


class ComplexityValidator:
    """等保2.0 三级 asks for complex passwords: at least three of upper case, lower case,
    digits and symbols."""

    classes_required = 3

    def validate(self, password: str, user: Any = None) -> None:
        classes = sum(
            [
                any(c.isupper() for c in password),
                any(c.islower() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            ]
        )
        if classes < self.classes_required:
            raise ValidationError("密码须至少包含大写字母、小写字母、数字、符号中的三类", code="password_too_simple")

    def get_help_text(self) -> str:
        return "密码须至少包含大写字母、小写字母、数字、符号中的三类。"


class MinimumLengthValidator:
    """Django 5.2.19's own message lost its Chinese translation (its msgid changed), so the
    length rule states itself in Chinese here."""

    def __init__(self, min_length: int = 10) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(f"密码长度太短，至少需要 {self.min_length} 个字符", code="password_too_short")

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符。"
