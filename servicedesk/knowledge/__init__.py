"""Knowledge base: articles, versions, search, suggestions and feedback."""
