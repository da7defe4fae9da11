"""canvasdraw's built-in renderer plug-ins. They install as the package `canvasdraw_renderers`
(this folder, mapped in pyproject.toml, so no generic `renderers` package lands in a user's
site-packages) and are registered through the `canvasdraw.renderers` entry-point group exactly as
a third-party package registers its own, using only the public SDK `canvasdraw.render`."""
