"""Staff and resident logins against password guessing (django-axes): what a locked-out
login sees (`lockout`), whose failed logins a user may see and clear (`selectors`,
`services`), and the scoped unlock in the admin (`admin`, imported by staff/admin.py)."""
