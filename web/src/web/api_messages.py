"""The services' field messages (English) in the person's language, next to the fields they name.

The APIs answer problem+json with English sentences (marshmallow's and their own). The ones a person can
cause from the portal's forms are listed here; any other is shown as the API wrote it.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

EXACT = {
    "is required": _l("This field is required."),
    "Missing data for required field.": _l("This field is required."),
    "Field may not be null.": _l("This field is required."),
    "must be a number": _l("Enter a number."),
    "Not a valid number.": _l("Enter a number."),
    "must be a date (YYYY-MM-DD)": _l("Enter a valid date."),
    "Not a valid date.": _l("Enter a valid date."),
    "must be true or false": _l("Choose yes or no."),
    "must be an email address": _l("Enter an email address."),
    "Not a valid email address.": _l("Enter an email address."),
    "must be a string": _l("Enter some text."),
    "is read-only in your view": _l("You may not change this field."),
    "is not a field of your view": _l("You may not change this field."),
    "Unknown input field.": _l("This field is not part of the attestation."),
    "Not a beneficiary of this contract.": _l("Choose one of the contract's beneficiaries."),
    "Choose one of the offered templates.": _l("Choose one of the offered attestations."),
    "Must be one of: favorable, unfavorable, reserved.": _l("Choose a verdict."),
    # the dossier's workspace (quotes, invoices, expenses, events)
    'Give it as a decimal string, e.g. "12.50".': _l("Enter an amount such as 12.50."),
    "Not a decimal number.": _l("Enter a number."),
    "Must be more than zero.": _l("Must be more than zero."),
    "Must not be negative.": _l("Must not be negative."),
    "At least one line.": _l("Add at least one line."),
    "Not an actor of this dossier.": _l("Not one of the dossier's actors."),
    "Not a valid URL.": _l("Enter a web address (https://…)."),
}
PATTERNS = (
    (re.compile(r"^must be at most (?P<limit>\d+) characters$"), _l("At most %(limit)s characters.")),
    (re.compile(r"^Longer than maximum length (?P<limit>\d+)\.$"), _l("At most %(limit)s characters.")),
    (re.compile(r"^must be one of: (?P<choices>.+)$"), _l("Choose one of: %(choices)s.")),
    (re.compile(r"^(?P<label>.+) is required\.$"), _l("“%(label)s” is required.")),
    (re.compile(r"^Not a configured VAT rate: (?P<rates>.+)\.$"), _l("Not a VAT rate in use here (%(rates)s).")),
    (re.compile(r"^Not a configured currency: (?P<codes>.+)\.$"), _l("Not a currency in use here (%(codes)s).")),
    (re.compile(r"^At most (?P<places>\d+) decimals\.$"), _l("At most %(places)s decimals.")),
)


def translated(message: str) -> str:
    exact = EXACT.get(message.strip())
    if exact is not None:
        return str(exact)
    for pattern, sentence in PATTERNS:
        match = pattern.match(message.strip())
        if match:
            return str(sentence) % match.groupdict()
    return message
