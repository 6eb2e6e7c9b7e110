"""Common library of the case-file platform: one way to do each thing in all five services."""
