"""The REST API under /api/v1/: residents' apps, staff tools, IoT devices, reports.

It asks the same visibility rule, permissions and services as the admin and the
portal; a view here translates, it does not decide."""
