"""Sending the recorded email deliveries over SMTP, from the worker."""
