"""The staff workspace: sign-in with two-factor, worklists, the case page and resident lookup."""
