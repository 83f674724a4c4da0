"""Accounts: passwords, sign-in sessions, registration, email links, throttling, the audit
trail, and who a request is (from its session cookie or API token).

Each module is one idea; :mod:`.resolve` is the one the web layer asks who a request is.
"""
