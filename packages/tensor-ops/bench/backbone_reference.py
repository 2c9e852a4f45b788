"""PyTorch CPU reference for kd's backbone benchmark (run by src/bench/backboneBench.ts).

Same architectures as the TensorFlow.js side: 3x3 conv + ReLU blocks, max-pool 2x2 after the
first four blocks; one 3x300x400 image. Prints one JSON object of median milliseconds.
"""
import json
import statistics
import sys
import time

import torch
import torch.nn as nn

ARCHS = {"teacher": [64, 128, 256, 512, 512], "student": [16, 32, 64, 128]}


def backbone(channels):
    layers, cin = [], 3
    for i, c in enumerate(channels):
        layers += [nn.Conv2d(cin, c, 3, padding=1), nn.ReLU(inplace=True)]
        if i < 4:
            layers.append(nn.MaxPool2d(2, 2))
        cin = c
    return nn.Sequential(*layers)


def median_ms(fn, warmup, runs):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    x = torch.randn(1, 3, 300, 400)
    out = {"torch": torch.__version__, "threads": threads}
    for name, channels in ARCHS.items():
        net = backbone(channels)

        def fwd():
            with torch.no_grad():
                net(x)

        def fwd_bwd():
            net.zero_grad(set_to_none=True)
            net(x).sum().backward()

        out[name] = {"forward": median_ms(fwd, 2, runs), "forwardBackward": median_ms(fwd_bwd, 2, runs)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
