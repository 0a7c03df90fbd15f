"""Form plumbing shared by every app's HTML views."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from core.errors import DomainError


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Django's documented pattern for an <input type=file multiple>: clean each file."""

    def clean(self, data: object, initial: object = None) -> list:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


def add_service_errors(form: forms.Form, exc: ValidationError | DomainError) -> None:
    """Show a service's refusal on the form it came from: on the field it names, else on top."""
    if isinstance(exc, DomainError):
        errors = {exc.field: [exc.message]}
    else:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for field, field_errors in errors.items():
        target = field if field in form.fields else None
        for error in field_errors:
            form.add_error(target, error)
