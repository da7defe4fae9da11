"""Lower bounds of the MNIST-64 pixel L2 for renderers that draw hard-edged ink (like `bezier`):
why the Table 1 drawers use `bezier_soft`.

    python scripts/mnist64_floor.py --mnist ../shared/data/mnist [--images 2000]

MNIST-64 targets have soft edges (14% of pixels lie strictly between 0.1 and 0.9), and white ink
composited with `max` is 0 or 1 except on the one-pixel anti-aliased rim. Printed:
- blank: L2 of an empty drawing;
- binary: the best image with every pixel 0 or 1 (round each target pixel);
- hard shape: the best anti-aliased hard-edged shape of any form — the target upsampled 4× with
  bilinear interpolation, thresholded at 0.5, box-averaged back to 64 px (the best of thresholds
  0.4/0.5/0.6). No number of hard strokes can beat it by much.
"""

import argparse

import jax
import jax.numpy as jnp
import numpy as np

from canvasdraw.data.sources import load_images


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mnist", required=True, help="folder with the MNIST IDX files")
    parser.add_argument("--images", type=int, default=2000, help="first N test images")
    args = parser.parse_args()
    targets = load_images(f"mnist:{args.mnist}", 64, "test").batch(np.arange(args.images))["target"][..., 0]
    print(f"blank       {np.mean(targets ** 2):.4f}")
    print(f"binary      {np.mean(np.minimum(targets, 1 - targets) ** 2):.4f}")
    x = jnp.asarray(targets)
    fine = jax.image.resize(x, (len(x), 256, 256), "bilinear")
    shapes = [(fine > t).astype(jnp.float32).reshape(len(x), 64, 4, 64, 4).mean((2, 4)) for t in (0.4, 0.5, 0.6)]
    print(f"hard shape  {min(float(jnp.mean((s - x) ** 2)) for s in shapes):.4f}")


if __name__ == "__main__":
    main()
