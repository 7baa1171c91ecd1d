"""The site board (可视化看板): a property's live figures on the office TV, reached with a
revocable link (`BoardToken`) instead of a staff login, and so showing counts only — no
names, phones, units or descriptions. `access` finds the link and limits the rate,
`figures` reads the counts (reusing the reports' and the queues' rules), `views` serve
the page and the JSON it polls (static/board/board.js)."""
