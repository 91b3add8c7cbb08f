"""The sample site (``site/**.html``) and the loopback server that serves it."""
