"""The notifier: follows Mplus order changes by sync marker and keeps Slack channel cards current.

Layers, from pure to I/O:

- ``changes``    what changed in an order since the notifier last saw it (snapshot → events);
- ``routing``    which channels a change goes to, live or into a daily digest;
- ``slack_port`` the narrow Slack interface (post / update / find-by-nonce) and its WebClient version;
- ``delivery``   exactly-once card, note and digest posts on top of the store's pending rows;
- ``digests``    burst digests (a backlog becomes one message) and daily digests;
- ``pages``      one pass's work page by page: hold notifications, burst decision, marker;
- ``lease``      the database lease that lets one process at a time run a pass;
- ``engine``     a pass: lease, first-start marker, read-ahead of pages, Mplus outage alerts;
- ``runner``     the background thread in the bot process and ``run_once`` for ``orderbot notify --once``.
"""
