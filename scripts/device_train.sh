#!/bin/bash
# Trains drawers on a lent GPU machine, which has JAX but neither Cairo nor canvasdraw's other
# dependencies and no network. Prepare here (wheels for Python 3.12 in .whl/: canvasdraw itself
# without its weights, orbax-checkpoint, tensorstore, grain, array-record, portpicker,
# ml_collections, tensorboardX; NOT flax: flax 0.12.8 does not import under the JAX 0.11.2 there,
# whose own flax 0.12.10 does), carry .whl and the training data, then run this; it writes to $OUT
# the exported model NAME.msgpack, each stage's metrics and log.
# Training needs no renderer: Cairo's modules are stubbed, so the held-out scoring through the real
# renderer is off there; score the exported model here (eval-drawer, the bench scripts).
# Usage: NAME=lineart_20lstm STAGES="configs/drawer_lineart.py:pyramid@240 configs/drawer_lineart.py@150" \
#            bash scripts/device_train.sh
# Each stage CONFIG@SECONDS trains (stopped with SIGINT after SECONDS: a checkpoint is written)
# starting from the stage before it (the first from FIRST_INIT, else its config's init_from);
# DRAWER_ARGS are added to every stage. Shipped names do not resolve there (the installed wheel has
# no weights): give canvases and models as files, e.g.
#   FIRST_INIT=canvasdraw/weights/models/symbols_20lstm.msgpack
#   DRAWER_ARGS=--config.canvas=canvasdraw/weights/bezier_alpha.msgpack Then SEGMENTER_SECONDS > 0 also trains scripts/floorplan_segmenter.py.
set -u
rm -rf /tmp/site   # a warm machine keeps an earlier call's packages
export PYTHONUNBUFFERED=1
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
mkdir -p /tmp/stub/cairosvg /tmp/stub/cairocffi
touch /tmp/stub/cairocffi/__init__.py /tmp/stub/cairosvg/__init__.py /tmp/stub/cairosvg/parser.py /tmp/stub/cairosvg/surface.py
export PYTHONPATH=/tmp/site:/tmp/stub
python3 -c "import jax; print(jax.__version__, jax.devices())" || exit 1
previous=""
stage=0
for spec in ${STAGES:?}; do
    stage=$((stage + 1))
    config="${spec%@*}"
    init=""
    [ -n "$previous" ] && init="--config.init_from=$previous"
    [ -z "$previous" ] && [ -n "${FIRST_INIT:-}" ] && init="--config.init_from=$FIRST_INIT"
    timeout -s INT "${spec##*@}" python3 -m canvasdraw train-drawer --config "$config" --workdir "/tmp/stage$stage" \
        --config.eval_every=1000000 $init ${DRAWER_ARGS:-} 2> "$OUT/stage$stage.log"   # no held-out scoring: it needs Cairo
    tr '\r' '\n' < "$OUT/stage$stage.log" | grep -a "step/s\|s/step\|Error\|error" | tail -3
    cp "/tmp/stage$stage/metrics.jsonl" "$OUT/stage$stage.jsonl" 2>/dev/null
    previous="/tmp/stage$stage"
done
python3 -m canvasdraw export-model --workdir "$previous" -o "$OUT/${NAME:?}.msgpack" --name "$NAME" --half
if [ "${SEGMENTER_SECONDS:-0}" -gt 0 ]; then
    timeout "$SEGMENTER_SECONDS" python3 scripts/floorplan_segmenter.py --plans "${SEGMENTER_PLANS:-8000}" \
        --steps "${SEGMENTER_STEPS:-3000}" --seconds $((SEGMENTER_SECONDS * 3 / 4)) -o "$OUT/segmenter.msgpack"
fi
ls -la "$OUT"
