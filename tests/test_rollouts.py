import json

import numpy as np
import pytest
from PIL import Image

from canvasdraw import load_renderer
from canvasdraw.data.rollout_files import write_rollouts
from canvasdraw.data.rollouts import RolloutSpec, batches, episode_actions, render_transitions, transitions


def _transition_from_scratch(spec, i):
    """Transition i rebuilt directly from the documented definition."""
    episode, n = divmod(i, spec.episode_length)
    actions = episode_actions(spec, episode)
    state = spec.renderer.render(actions[:n], spec.size)
    return state, actions[n], spec.renderer.step(state, actions[n])


@pytest.mark.parametrize("name", ["bezier", "rectangles"])
def test_every_transition_is_a_function_of_its_index(name):
    spec = RolloutSpec(load_renderer(name), 32, seed=3, episode_length=5)
    got = render_transitions(spec, 7, 19)  # starts and ends mid-episode
    for row, i in enumerate(range(7, 19)):
        state, action, nxt = _transition_from_scratch(spec, i)
        assert np.array_equal(got["state"][row], state)
        assert np.array_equal(got["action"][row], action)
        assert np.array_equal(got["next_state"][row], nxt)


def test_episodes_reset_to_blank_and_chain():
    spec = RolloutSpec(load_renderer("bezier"), 16, seed=0, episode_length=4)
    t = render_transitions(spec, 0, 12)
    blank = spec.renderer.blank(16)
    for i in range(12):
        if i % 4 == 0:
            assert np.array_equal(t["state"][i], blank)
        else:
            assert np.array_equal(t["state"][i], t["next_state"][i - 1])
    assert not np.array_equal(t["action"][0], t["action"][4])  # episodes differ


def test_seeds_give_different_streams():
    r = load_renderer("bezier")
    a = render_transitions(RolloutSpec(r, 16, seed=0), 0, 4)["action"]
    b = render_transitions(RolloutSpec(r, 16, seed=1), 0, 4)["action"]
    assert not np.array_equal(a, b)


def test_stream_is_identical_across_worker_counts_and_hosts():
    spec = RolloutSpec(load_renderer("bezier"), 16, seed=1, episode_length=3)
    serial = list(batches(spec, episodes_per_batch=4, num_batches=3, start_batch=2, workers=0))
    parallel = list(batches(spec, episodes_per_batch=4, num_batches=3, start_batch=2, workers=2))
    hosts = [list(batches(spec, 4, 3, start_batch=2, shard_index=p, shard_count=2)) for p in (0, 1)]
    assert len(serial) == len(parallel) == 3
    for k in range(3):
        assert serial[k]["states"].shape == (4, 4, 16, 16, 1)
        direct = render_transitions(spec, (2 + k) * 12, (3 + k) * 12)
        for got in (serial[k], parallel[k], {key: np.concatenate([hosts[0][k][key], hosts[1][k][key]])
                                             for key in ("states", "actions")}):
            flat = transitions(got)
            for key in direct:
                assert np.array_equal(flat[key], direct[key]), key


def test_uneven_host_split_is_refused():
    spec = RolloutSpec(load_renderer("bezier"), 16)
    with pytest.raises(ValueError, match="not divisible by 3 hosts"):
        batches(spec, 8, 1, shard_count=3)


def test_rollout_folder_has_shards_meta_and_contact_sheet(tmp_path):
    spec = RolloutSpec(load_renderer("prisms"), 32, seed=5, episode_length=4)
    out = write_rollouts(spec, num=10, out_dir=tmp_path / "ro", workers=0, shard_size=4)
    meta = json.loads((out / "meta.json").read_text())
    assert meta["renderer"] == "prisms" and meta["num"] == 10 and meta["shards"] == 3
    shards = [np.load(out / f"shard-{k:05d}.npz") for k in range(3)]
    assert [len(s["action"]) for s in shards] == [4, 4, 2]
    everything = render_transitions(spec, 0, 10)
    assert np.array_equal(np.concatenate([s["next_state"] for s in shards]), everything["next_state"])
    sheet = Image.open(out / "contact_sheet.png")
    assert sheet.size[0] > 4 * 64 and sheet.mode == "RGB"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ro"]  # no temporary folder left
