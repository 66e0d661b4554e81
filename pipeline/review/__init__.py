"""Stage 4: quality checks, review sheets, sign-offs and exports for CAT tools."""
