"""APScheduler 3 wiring and jobs (reminders, scheduled sends); arrives with the scheduler issue."""
