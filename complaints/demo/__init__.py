"""The demo of `manage.py seed_demo`: two properties with their buildings, units and
teams, staff in every role, residents, and complaint stories in every state of the
lifecycle, told over the last six weeks through the real services and jobs.

- `places`: properties, buildings, units, teams.
- `people`: staff and residents.
- `stories`: what each complaint is about and how far it gets (data, one table per
  property).
- `timeline`: when each story's steps happen.
- `steps`: who takes each step, through which service.
- `cluster`: the scheduled jobs, run at the past moments they would have run.
- `seeder`: all of it in one chronological order.
"""
