#!/bin/bash
# Trains the floorplans drawer (configs/drawer_floorplans.py) and the supervised segmenter
# (scripts/floorplan_segmenter.py) on a lent GPU machine, which has JAX but neither Cairo nor
# canvasdraw's other dependencies and no network. Prepare here (wheels for Python 3.12 in .whl/:
# canvasdraw itself without its weights, orbax-checkpoint, tensorstore, grain, array-record,
# portpicker, ml_collections, tensorboardX; NOT flax: flax 0.12.8 does not import under the JAX
# 0.11.2 there, whose own flax 0.12.10 does), then run this with .whl carried; it writes to $OUT:
#   floorplans.msgpack (export-model of the drawer run), metrics.jsonl, segmenter.msgpack, log.
# Training needs no renderer: Cairo's modules are stubbed, so the drawer's scores through the real
# renderer (its last step) fail there; score the exported model here with scripts/bench_floorplans.py.
# Usage: DRAWER_SECONDS=330 SEGMENTER_STEPS=3000 bash scripts/device_floorplans.sh
# (CONFIG, CANVAS, DRAWER_ARGS, SEGMENTER_PLANS, SEGMENTER_SECONDS: see below)
set -u
rm -rf /tmp/site   # a warm machine keeps an earlier call's packages
export PYTHONUNBUFFERED=1
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
mkdir -p /tmp/stub/cairosvg /tmp/stub/cairocffi
touch /tmp/stub/cairocffi/__init__.py /tmp/stub/cairosvg/__init__.py /tmp/stub/cairosvg/parser.py /tmp/stub/cairosvg/surface.py
export PYTHONPATH=/tmp/site:/tmp/stub
python3 -c "import jax; print(jax.__version__, jax.devices())" || exit 1
timeout -s INT "${DRAWER_SECONDS:-330}" python3 -m canvasdraw train-drawer --config "${CONFIG:-configs/drawer_floorplans.py}" \
    --workdir /tmp/floorplans --config.canvas="${CANVAS:-canvasdraw/weights/rectangles_128.msgpack}" \
    --config.eval_every=1000000 ${DRAWER_ARGS:-} 2> "$OUT/drawer.log"   # no held-out scoring: it needs Cairo
tr '\r' '\n' < "$OUT/drawer.log" | grep -a "step/s\|s/step\|Error\|error" | tail -4
cp /tmp/floorplans/metrics.jsonl "$OUT/" 2>/dev/null
python3 -m canvasdraw export-model --workdir /tmp/floorplans -o "$OUT/floorplans.msgpack" --name floorplans --half
timeout "${SEGMENTER_SECONDS:-300}" python3 scripts/floorplan_segmenter.py --plans "${SEGMENTER_PLANS:-8000}" \
    --steps "${SEGMENTER_STEPS:-3000}" -o "$OUT/segmenter.msgpack"
ls -la "$OUT"
