"""A person's erasure (``person.erased``) in the documents service.

The documents service keeps no name or email in its tables (documents name their uploader by account ``sub``
only); what it holds of a person is the directory's copy, dropped on erasure, and the files themselves. Kept by
law: the files of dossiers and issued attestations (their content is the record); a file the person uploaded is
deleted with its dossier's retention, not by an erasure. The files' metadata loses the person's name and email
(``filename``, ``error``, ``warnings``); ``uploaded_by_sub`` (an account id) stays.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from platform_shared.directory import PersonRef, scrub_rows

from ..db import Document


def erase_person(session: Session, ref: PersonRef) -> None:
    scrub_rows(session, Document, ref, text=("filename", "error"), json_columns=("warnings",))
