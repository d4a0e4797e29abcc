"""APScheduler 3 wiring: the jobs that send reminders and announcements on time, once."""
