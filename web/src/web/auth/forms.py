"""The forms of sign-in and language: tiny, but each carries its CSRF token."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import AnyOf, DataRequired

from ..demo.people import BY_KEY
from ..i18n import LANGUAGES


class DemoSignInForm(FlaskForm):
    person = HiddenField(validators=[DataRequired(), AnyOf(list(BY_KEY))])
    next = HiddenField()


class PlainForm(FlaskForm):
    """A form with nothing but its CSRF token (sign-out, provider sign-in, mark as read)."""

    next = HiddenField()


class LanguageForm(FlaskForm):
    language = StringField(validators=[DataRequired(), AnyOf(LANGUAGES)])
    next = HiddenField()
