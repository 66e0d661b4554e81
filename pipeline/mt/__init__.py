"""Stage 3: machine-translated drafts for reviewers, through one of several engines."""
