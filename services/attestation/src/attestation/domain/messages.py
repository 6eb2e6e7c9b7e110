"""What a client reads about their request, in their language (French by default)."""

from __future__ import annotations

MESSAGES = {
    "fr": {
        "generating": "Votre attestation est en cours de génération.",
        "issued": "Votre attestation est disponible dans les documents du contrat.",
        "pending_validation": "Votre demande a été transmise à nos services pour traitement.",
        "approved": "Votre attestation a été validée ; elle est disponible dans les documents du contrat.",
        "rejected": "Votre demande a été refusée.",
        "failed": "Votre attestation n'a pas pu être générée ; vous pouvez la demander à nouveau ou nous contacter.",
        "revoked": "Cette attestation a été révoquée.",
    },
    "en": {
        "generating": "Your attestation is being generated.",
        "issued": "Your attestation is available in the contract's documents.",
        "pending_validation": "Your request has been passed on to our staff for processing.",
        "approved": "Your attestation has been approved and is available in the contract's documents.",
        "rejected": "Your request has been declined.",
        "failed": "Your attestation could not be generated; you can ask again or contact us.",
        "revoked": "This attestation has been revoked.",
    },
}
NOT_ELIGIBLE = {
    "fr": "Une attestation ne peut pas être demandée sur ce contrat :",
    "en": "An attestation cannot be requested on this contract:",
}


def request_message(state: str, revoked: bool, language: str) -> str:
    catalogue = MESSAGES.get(language, MESSAGES["fr"])
    return catalogue["revoked"] if revoked else catalogue[state]


# The public verification page (``/verify/<code>``), in each language.
VERIFICATION_PAGE = {
    "fr": {
        "title": "Vérification d'une attestation",
        "intro": "Saisissez le code imprimé sur l'attestation, ou scannez son QR code.",
        "code_label": "Code de vérification",
        "submit": "Vérifier",
        "status": {
            "valid": "Attestation valide",
            "expired": "Attestation expirée",
            "revoked": "Attestation révoquée",
            "unknown": "Aucune attestation ne correspond à ce code",
        },
        "explain": {
            "valid": "Comparez les informations ci-dessous avec celles de l'attestation.",
            "expired": "Sa période de validité est terminée.",
            "revoked": "Elle a été retirée par l'assureur et ne doit plus être acceptée.",
            "unknown": "Vérifiez le code saisi ; une attestation en attente de validation n'est pas encore valable.",
        },
        "holder": "Titulaire",
        "contract_number": "Numéro de contrat",
        "valid_from": "Valable du",
        "valid_until": "Valable jusqu'au",
        "checked_on": "Vérifiée le",
        "too_many": "Trop de vérifications depuis votre adresse. Réessayez dans quelques instants.",
        "other_language": "English",
    },
    "en": {
        "title": "Attestation check",
        "intro": "Type the code printed on the attestation, or scan its QR code.",
        "code_label": "Verification code",
        "submit": "Check",
        "status": {
            "valid": "Valid attestation",
            "expired": "Expired attestation",
            "revoked": "Revoked attestation",
            "unknown": "No attestation matches this code",
        },
        "explain": {
            "valid": "Compare the details below with those on the attestation.",
            "expired": "Its validity period is over.",
            "revoked": "The insurer has withdrawn it: it must no longer be accepted.",
            "unknown": "Check the code you typed; an attestation awaiting validation is not valid yet.",
        },
        "holder": "Holder",
        "contract_number": "Contract number",
        "valid_from": "Valid from",
        "valid_until": "Valid until",
        "checked_on": "Checked on",
        "too_many": "Too many checks from your address. Please try again in a moment.",
        "other_language": "Français",
    },
}
