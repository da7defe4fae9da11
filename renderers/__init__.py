"""canvasdraw's built-in renderer plug-ins, registered through the `canvasdraw.renderers`
entry-point group exactly as a third-party package would register its own."""
