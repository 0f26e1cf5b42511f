"""`docgen serve`: a local web app over a project store (forms from the schema, live checks, downloads)."""
