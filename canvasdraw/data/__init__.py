"""What the networks learn from, with no JAX: rollouts of a renderer (`rollouts`, `rollout_files`),
image sources for drawers (`sources`: MNIST, folders, KanjiVG, pages, arrays), the rule that turns
any picture into ink (`ink`) and generated large line drawings (`pages`)."""
