"""Language-neutral text: invisible and direction-changing characters, inline markup."""
