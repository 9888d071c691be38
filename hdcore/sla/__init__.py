"""Service levels: business calendars, SLA policies, due times, escalation and the reminder ladder.

The arithmetic (:mod:`hdcore.sla.calendar`) and the clock (:mod:`hdcore.sla.clock`) are pure
functions; :mod:`hdcore.sla.duetime` stores their results on the request, the essential plugin
(:mod:`hdcore.sla.plugin`) keeps them in step with every event, and the worker's jobs
(:mod:`hdcore.sla.jobs`) fire the escalation levels, reminders and auto-closes that fall due.
"""
