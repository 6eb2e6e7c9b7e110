"""Domain rules of the notification service: local copy of dossiers, audiences, rules, planning."""
