"""Who may do what: sign-in, sessions, and the checks inside every write."""
