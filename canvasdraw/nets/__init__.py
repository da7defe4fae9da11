"""The networks (Flax NNX, pure functions of their inputs): the canvas that imitates a renderer
(`canvas`, frozen for the drawer in `frozen`), the drawer (`drawer`), their losses (`losses`) and
per-image optimisation of actions through a canvas (`optimize`)."""
