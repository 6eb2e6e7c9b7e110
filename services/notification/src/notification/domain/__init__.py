"""Rules of the notification service: plain code, no I/O."""
