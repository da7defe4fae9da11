"""Training: the loop every trainer shares (`loop`), config files (`config_files`), the canvas on
rollouts (`canvas`), the drawer through the frozen canvas (`drawer`) and re-fitting a drawer's
canvas on its own actions (`refit`)."""
