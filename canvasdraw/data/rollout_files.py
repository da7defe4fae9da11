"""`canvasdraw rollouts`: a rollout stream written to shards plus a contact sheet to look at.

Folder layout:
    meta.json                 renderer name/version/action names, size, seed, episode_length, num
    shard-00000.npz ...       arrays state (n, S, S, C), action (n, D), next_state (n, S, S, C),
                              float32, uncompressed (2·S²·C·4 bytes per transition); a shard
                              holds whole episodes (shard_size rounded down to a multiple of L)
    contact_sheet.png         the first 16 transitions, each as [x_n | x_n+1]
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import numpy as np
from tqdm import tqdm

from canvasdraw import pictures
from canvasdraw.data.rollouts import RolloutSpec, batches, render_transitions, transitions
from canvasdraw.files import new_folder


def first_transitions(spec: RolloutSpec, count: int = 16) -> np.ndarray:
    """The first `count` transitions, each tile [x_n | gap | x_n+1], as one RGB image."""
    t = render_transitions(spec, 0, count)
    r, gap = spec.renderer, np.full((spec.size, 1, 3), 0.5, np.float32)
    tiles = [np.concatenate([r.to_rgb(s), gap, r.to_rgb(n)], axis=1)
             for s, n in zip(t["state"], t["next_state"])]
    return pictures.contact_sheet(tiles, columns=4, pad=8)


def write_rollouts(spec: RolloutSpec, num: int, out_dir: str | Path, workers: int = 2,
                   shard_size: int = 4096) -> Path:
    """Writes transitions [0, num) of the stream to `out_dir` (which must not exist yet)."""
    if num < 1:
        raise ValueError(f"num must be >= 1, got {num}")
    out_dir = Path(out_dir)
    episodes_per_shard = max(1, shard_size // spec.episode_length)
    per_shard = episodes_per_shard * spec.episode_length
    num_shards = -(-num // per_shard)
    with new_folder(out_dir) as tmp:
        stream = batches(spec, episodes_per_shard, num_shards, workers=workers if num_shards > 1 else 0)
        with contextlib.closing(stream), tqdm(total=num, unit="transition",
                                              desc=f"rollouts {spec.renderer.name}") as bar:
            for k, shard in enumerate(stream):
                keep = min(per_shard, num - k * per_shard)
                buffer = io.BytesIO()
                np.savez(buffer, **{key: value[:keep] for key, value in transitions(shard).items()})
                (tmp / f"shard-{k:05d}.npz").write_bytes(buffer.getvalue())
                bar.update(keep)
        (tmp / "contact_sheet.png").write_bytes(pictures.png_bytes(first_transitions(spec, min(16, num))))
        r = spec.renderer
        meta = dict(renderer=r.name, version=r.version, action_spec=[p.name for p in r.action_spec],
                    composite=r.composite, size=spec.size, seed=spec.seed,
                    episode_length=spec.episode_length, num=num, shards=num_shards)
        (tmp / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    return out_dir
