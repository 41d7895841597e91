"""One training step of the suite's models in PyTorch, timed: the peer of
bench/peers/deno_step.ts. Forward, softmax cross-entropy (mean), backward,
masked SGD with Nesterov momentum 0.9 and weight decay 1e-4 (gradients and
weights multiplied by the masks, PyTorch's usual way to train a masked network).

Usage: OPENBLAS_NUM_THREADS=1 python3 torch_step.py '<case JSON>'
Prints one JSON line: median step milliseconds (wall and CPU time of this process), peak RSS,
torch version, BLAS check.
Run by `deno task bench:peers` (bench/peers/peers.ts), which passes the case.
"""
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)


def blas_check():
    """The BLAS library torch has mapped, and its 128x128 float32 matmul rate."""
    lib = "unknown"
    with open("/proc/self/maps") as maps:
        for line in maps:
            if "blas" in line.lower():
                lib = line.split()[-1]
                if "openblas" in lib.lower():
                    break
    a, b = torch.randn(128, 128), torch.randn(128, 128)
    for _ in range(50):
        a @ b
    n = 1000
    t = time.perf_counter()
    for _ in range(n):
        a @ b
    gflops = 2 * 128**3 * n / (time.perf_counter() - t) / 1e9
    return lib, gflops


def mask_like(shape, density, gen):
    size = 1
    for s in shape:
        size *= s
    count = max(1, round(density * size))
    flat = torch.zeros(size)
    flat[torch.randperm(size, generator=gen)[:count]] = 1
    return flat.view(shape)


def build(case):
    """Kernels (masked, fan-in scaled on the kept entries), biases, masks."""
    gen = torch.Generator().manual_seed(0)
    kernels, biases, masks = [], [], []
    if case["architecture"] == "mlp":
        dims = [784] + [case["width"]] * case["depth"] + [10]
        shapes = [(dims[i + 1], dims[i]) for i in range(len(dims) - 1)]
    else:
        w = case["width"]
        shapes = [(w, 1, 3, 3)] + [(w, w, 3, 3)] * (case["depth"] - 1) + [(10, w)]
    last = len(shapes) - 1
    for i, shape in enumerate(shapes):
        skip = case["allocation"] == "uniform-skip" and (i == 0 or i == last)
        m = mask_like(shape, 1.0 if skip else case["density"], gen)
        fan_in = m.reshape(shape[0], -1).sum(1).clamp(min=1)
        std = (1.0 / fan_in).sqrt().view(-1, *([1] * (len(shape) - 1)))
        k = (torch.randn(shape, generator=gen) * std * m).requires_grad_()
        kernels.append(k)
        masks.append(m)
        biases.append(torch.zeros(shape[0], requires_grad=True))
    return kernels, biases, masks


def forward(case, kernels, biases, x):
    act = torch.tanh
    if case["architecture"] == "mlp":
        h = x.reshape(x.shape[0], -1)
        for k, b in zip(kernels[:-1], biases[:-1]):
            h = act(F.linear(h, k, b))
    else:
        h = x
        for k, b in zip(kernels[:-1], biases[:-1]):
            h = act(F.conv2d(F.pad(h, (1, 1, 1, 1), mode="circular"), k, b))
        h = h.mean((2, 3))
    return F.linear(h, kernels[-1], biases[-1])


def main():
    case = json.loads(sys.argv[1])
    lib, gflops = blas_check()
    kernels, biases, masks = build(case)
    opt = torch.optim.SGD(kernels + biases, lr=0.01, momentum=0.9, nesterov=True, weight_decay=1e-4)
    batch = 128
    x = torch.rand(batch, 1, 28, 28, generator=torch.Generator().manual_seed(1))
    y = torch.randint(0, 10, (batch,), generator=torch.Generator().manual_seed(2))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(forward(case, kernels, biases, x), y)
        loss.backward()
        with torch.no_grad():
            for k, m in zip(kernels, masks):
                k.grad.mul_(m)
        opt.step()
        with torch.no_grad():
            for k, m in zip(kernels, masks):
                k.mul_(m)
        return loss.item()

    for _ in range(case["warmup"]):
        step()
    times, cpu = [], []
    for _ in range(case["steps"]):
        t, c = time.perf_counter(), time.process_time()
        step()
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    times.sort()
    cpu.sort()
    rss_kb = 0
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                rss_kb = int(line.split()[1])
    print(json.dumps({
        "medianMs": times[len(times) // 2],
        "medianCpuMs": cpu[len(cpu) // 2],
        "peakRssMb": rss_kb / 1024,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "openblasThreads": os.environ.get("OPENBLAS_NUM_THREADS"),
        "blas": lib,
        "matmulGflops": gflops,
    }))


main()
