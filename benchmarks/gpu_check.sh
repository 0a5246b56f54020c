#!/usr/bin/env bash
# The GPU checks of the project in one call, within a 10-minute device run:
# the test suite on CUDA, the wrapper-tax table (workloads a and c of
# run.py) and a probe of bfloat16 recurrent layers under cuDNN (workload p
# stays CPU-only while precision="bf16" is refused on CUDA).
#
# Prepare once, where the package registry is reachable (skorch is the one
# dependency a GPU image usually lacks; pure Python, so any platform):
#   echo /.whl/ >> .git/info/exclude
#   python -m pip download --no-deps -d .whl skorch==1.4.0
# Then run it on the GPU machine from the repository root, e.g. with the
# device tool: command "bash benchmarks/gpu_check.sh", carry [".whl"],
# timeout_s 590. Logs go to $OUT (else /tmp/gpu_check).
set -u
OUT=${OUT:-/tmp/gpu_check}
mkdir -p "$OUT"
if ls .whl/*.whl >/dev/null 2>&1; then
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir \
        --target /tmp/site .whl/*.whl || exit 1
    export PYTHONPATH=/tmp/site:$PWD
else
    export PYTHONPATH=$PWD
fi
export PYTHONUNBUFFERED=1

{
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
    python3 -c "import torch, sklearn, skorch, pandas; print('torch', torch.__version__, 'cuda', torch.version.cuda, 'sklearn', sklearn.__version__, 'skorch', skorch.__version__, 'pandas', pandas.__version__)"
} 2>&1 | tee "$OUT/versions.txt"

# 1. The tests that run the package (not the docs build, the examples, the
# quality benchmark's smoke run or third-party libraries, which need
# packages a GPU image lacks). xdist where the image has it.
workers=$(python3 -c "import xdist" 2>/dev/null && echo "-n 8")
timeout 200 python3 -m pytest -q -p no:cacheprovider $workers \
    --ignore=tests/test_docs.py --ignore=tests/test_examples.py \
    --ignore=tests/test_quality.py --ignore=tests/test_readme.py \
    --ignore=tests/test_ecosystem.py tests 2>&1 | tee "$OUT/tests.log" | tail -30

# 2. bfloat16 recurrent layers under cuDNN: does a bf16 module run, and how
# does a training step compare with float32 and with autocast (float16)?
timeout 60 python3 - <<'PY' 2>&1 | tee "$OUT/bf16_probe.txt"
import time
import torch

torch.manual_seed(0)
x32 = torch.randn(512, 50, 8, device="cuda")
for cell in (torch.nn.LSTM, torch.nn.GRU):
    for mode in ("float32", "bf16 weights", "autocast fp16", "autocast bf16"):
        rnn = cell(8, 64, batch_first=True).cuda()
        x = x32
        if mode == "bf16 weights":
            rnn, x = rnn.to(torch.bfloat16), x32.to(torch.bfloat16)
        dtype = {"autocast fp16": torch.float16, "autocast bf16": torch.bfloat16}
        ctx = dtype.get(mode)
        try:
            def step():
                with torch.autocast("cuda", dtype=ctx, enabled=ctx is not None):
                    out, _ = rnn(x)
                out.float().square().mean().backward()
            for _ in range(5):
                step()
            torch.cuda.synchronize()
            start = time.perf_counter()
            for _ in range(50):
                step()
            torch.cuda.synchronize()
            ms = (time.perf_counter() - start) / 50 * 1e3
            with torch.autocast("cuda", dtype=ctx, enabled=ctx is not None):
                out, _ = rnn(x)
            print(f"{cell.__name__:4} {mode:14} {ms:6.2f} ms/step  output {out.dtype}")
        except Exception as exc:  # noqa: BLE001 - a probe reports, never stops
            print(f"{cell.__name__:4} {mode:14} fails: {type(exc).__name__}: {exc}")
PY

# 3. The wrapper-tax table on the GPU (fixed length, ragged).
timeout 300 python3 benchmarks/run.py --device cuda --workloads ac --repeats 2 \
    --threads 4 2>&1 | tee "$OUT/bench.log" | tail -60
