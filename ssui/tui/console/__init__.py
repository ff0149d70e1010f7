"""The Console tab: the request editors, the response, history and the small dialogs."""
