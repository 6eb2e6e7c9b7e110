# The five services: directory name and Python package (sourced by the other scripts).
SERVICES="dossier partner-gateway attestation notification documents"
