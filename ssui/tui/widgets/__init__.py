"""The app's widgets: the record table, the entity browser, the detail pane, the header."""
