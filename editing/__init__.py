"""Recording claims by hand: the claim form, from what an editor types to a record."""
