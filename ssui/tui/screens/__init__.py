"""The app's screens: the main browsing screen and its dialogs."""
