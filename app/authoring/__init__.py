"""Scenario authoring: workspace, editor, graph, test play, versions, review and publishing."""
