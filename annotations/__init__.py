"""The newsroom annotation app: projects, articles, annotations, agreement and exports."""
