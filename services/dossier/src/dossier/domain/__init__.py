"""Rules of the dossier service as plain functions and classes (no Flask, no database)."""
