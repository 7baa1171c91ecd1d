"""The access matrix (issue 10): every URL of the project, requested as every role, by GET
and by POST, against the rules of SPEC §2 and §7.

- `world` builds the data: two properties, the people of every role, and one object of
  each kind inside and outside each person's scope, each carrying a unique marker.
- `table` maps every URL pattern of the resolver to the rule that says who may do what.
- `runner` sends the requests and checks status, leaked markers, phones and writes.
"""
