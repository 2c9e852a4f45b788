"""torchvision reference timings for kd's detection-ops benchmark (run by src/bench/detectionOpsBench.ts).

Reads the benchmark inputs (RoIs, NMS boxes and scores) written by the TypeScript side, times
torchvision.ops.roi_align (forward, forward+backward) and torchvision.ops.nms on CPU with the given
number of threads, and prints one JSON object: median milliseconds and the NMS keep lists.
"""
import json
import statistics
import sys
import time

import torch
from torchvision.ops import nms, roi_align


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
    inputs = json.load(open(sys.argv[1]))
    threads = int(sys.argv[2])
    runs = int(sys.argv[3])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    n, h, w, c = inputs["featureShape"]
    feat = torch.randn(n, c, h, w)
    out = {"threads": threads, "torch": torch.__version__, "roiAlign": [], "nms": []}
    for case in inputs["roiAlign"]:
        k = len(case["rois"]) // 4
        # A case over several images brings its maps' shape and each RoI's image.
        if "featureShape" in case:
            cn, ch, cw, cc = case["featureShape"]
            x_case = torch.randn(cn, cc, ch, cw)
            images = torch.tensor(case["batchIndices"], dtype=torch.float32).view(k, 1)
        else:
            x_case, images = feat, torch.zeros(k, 1)
        rois = torch.cat([images, torch.tensor(case["rois"], dtype=torch.float32).view(k, 4)], 1)
        kw = dict(output_size=case["outputSize"], spatial_scale=case["spatialScale"],
                  sampling_ratio=case["samplingRatio"], aligned=case["aligned"])
        dy = torch.randn(k, x_case.shape[1], case["outputSize"], case["outputSize"])

        def fwd():
            with torch.no_grad():
                roi_align(x_case, rois, **kw)

        def fwd_bwd():
            x = x_case.detach().requires_grad_(True)
            roi_align(x, rois, **kw).backward(dy)

        out["roiAlign"].append({"fwd": median_ms(fwd, 1, runs), "fwdBwd": median_ms(fwd_bwd, 1, runs)})
    for case in inputs["nms"]:
        boxes = torch.tensor(case["boxes"], dtype=torch.float32).view(-1, 4)
        scores = torch.tensor(case["scores"], dtype=torch.float32)
        keep = nms(boxes, scores, case["iouThreshold"])
        out["nms"].append({"ms": median_ms(lambda: nms(boxes, scores, case["iouThreshold"]), 1, runs), "keep": keep.tolist()})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
