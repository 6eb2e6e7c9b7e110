"""The portal's forms (Flask-WTF: each carries its CSRF token). Fields a dossier model defines are added by
``model_fields`` at run time; these hold what every such form has."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

UPLOAD_CATEGORIES = (
    SelectChoice("supporting_piece", _l("Supporting piece")),
    SelectChoice("other", _l("Other document")),
    SelectChoice("invoice", _l("Invoice")),
    SelectChoice("quote", _l("Quote")),
)


class AttachForm(FlaskForm):
    key = StringField(
        _l("Your key"),
        validators=[DataRequired(message=_l("Type the key you received.")), Length(max=100)],
        render_kw={
            "autocomplete": "off",
            "spellcheck": "false",
            "autocapitalize": "characters",
            "class": "input key-input",
        },
    )


class DetailsForm(FlaskForm):
    """My reference and the portal fields I may write (``model_fields``)."""

    client_reference = StringField(_l("My reference"), validators=[Optional(), Length(max=100)])


class NoteForm(FlaskForm):
    body = TextAreaField(_l("Message"), validators=[DataRequired(message=_l("Write a message.")), Length(max=20000)])
    share_with_participants = BooleanField(_l("Also show this message to the dossier's participants"))


class ThirdPartyNoteForm(FlaskForm):
    body = TextAreaField(_l("Message"), validators=[DataRequired(message=_l("Write a message.")), Length(max=20000)])


class UploadForm(FlaskForm):
    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file."))])
    category = SelectField(_l("Kind of document"), choices=UPLOAD_CATEGORIES, default="supporting_piece")


class PieceUploadForm(FlaskForm):
    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file."))])


class RequestForm(FlaskForm):
    """A portal request; the model's portal fields are added by ``model_fields``."""

    kind = RadioField(
        _l("What do you request?"),
        choices=(SelectChoice("dossier", _l("A new dossier")), SelectChoice("contract", _l("A contract"))),
        default="dossier",
        validators=[DataRequired()],
    )
    title = StringField(
        _l("Title"), validators=[DataRequired(message=_l("Give your request a title.")), Length(max=300)]
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    client_reference = StringField(_l("My reference"), validators=[Optional(), Length(max=100)])


VERDICTS = (
    SelectChoice("favorable", _l("Favourable")),
    SelectChoice("reserved", _l("Favourable with reservations")),
    SelectChoice("unfavorable", _l("Unfavourable")),
)


class AnswerForm(FlaskForm):
    """An opinion and/or a completion: ``save`` keeps a draft, ``submit`` sends the answer for good."""

    verdict = RadioField(_l("Verdict"), choices=VERDICTS, validators=[Optional()])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=20000)])
    file = FileField(_l("Supporting file"))
    action = HiddenField()


class PlainForm(FlaskForm):
    """Nothing but the CSRF token (mark as read, submit)."""
