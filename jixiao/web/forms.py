from django import forms

from jixiao.core.errors import DomainError


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a service's refusal beside the field it names, or above the form."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
