"""The demo of `manage.py seed_demo`: two properties with their buildings, units and
teams, staff in every role, residents, and a year of complaints told through the real
services and jobs: the twelve months before this one, each published by the monthly
job, and the last six weeks' hand-written stories in every state of the lifecycle.

- `places`: properties, buildings, units, teams.
- `people`: staff, the named residents and their neighbours.
- `stories`: what each hand-written complaint is about and how far it gets (data, one
  table per property).
- `year`: the year's complaints, generated as stories of the same kind.
- `timeline`: when each story's steps happen.
- `steps`: who takes each step, through which service.
- `cluster`: the scheduled jobs, run at the past moments they would have run.
- `seeder`: all of it in one chronological order.
"""
