"""Personal data under the PIPL minimum-necessary principle (SPEC §7): the log of staff
access to residents' personal data — who, when, what kind, which resident, complaint or
export. `services` is its one writer and holds the logged writes about residents (opening
a record, revealing a phone, anonymising), `selectors` says who reads which rows, `admin`
shows it read-only; `resident_admin` (with its `forms`) is the Resident admin, here
because the log is."""
