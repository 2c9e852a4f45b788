"""PyTorch CPU reference for kd's Faster R-CNN benchmarks (run by faster-rcnn's fasterRcnnBench.ts
and distill's recipeBench.ts, through `@kd/faster-rcnn/testing`).

The TypeScript side writes one JSON spec per model (`referenceSpec`: the backbone read off the kd
model layer by layer, sequential or MobileNetV2, the RPN / RoI-head sizes, the sampling settings
and the anchors of the feature grid) plus the benchmark images and boxes; this script builds the
same architecture in PyTorch and times the same work: a training step (forward, anchor and
proposal target assignment, RoIAlign, fc head, the four detection losses, backward, weight decay,
gradient norm and clipping, SGD with momentum) on the batch, and inference (proposals, RoIAlign,
head, per-class decoding, score threshold, batched NMS) on single images. A model with a
`distill` entry times a distillation step instead: the frozen teacher's forward (on the batch
resized to its `teacherImageSize`, as kd's loader prepares it) on the student's sampled anchors and
RoIs, the student's forward and backward, soft cross-entropy on RPN and RCN,
the teacher-bounded regression on both heads and the hint through its adaptation layer (see
@kd/distill's distillStep). It prints one JSON object of median milliseconds on its last line.

Usage: faster_rcnn_reference.py <spec.json> <threads> <runs>
"""
import json
import os
import math
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from torchvision.ops import batched_nms, box_iou, nms, roi_align

BBOX_XFORM_CLIP = math.log(1000.0 / 16)


def same_pad(size, kernel, stride):
    """TensorFlow 'same' padding (what tfjs uses): (before, after) for one dimension."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


class Backbone(nn.Module):
    """The kd SequentialBackbone: conv(+ReLU) and max-pool steps with TF 'same' padding."""

    def __init__(self, steps):
        super().__init__()
        self.steps = steps
        self.convs = nn.ModuleDict()
        for s in steps:
            if s["type"] == "conv":
                k, st = s["kernel"], s["stride"]
                sym = st == 1 and k % 2 == 1
                self.convs[s["name"]] = nn.Conv2d(s["cin"], s["cout"], k, st, padding=k // 2 if sym else 0)
                nn.init.kaiming_normal_(self.convs[s["name"]].weight, nonlinearity="relu")
                nn.init.zeros_(self.convs[s["name"]].bias)

    def forward(self, x, collect=()):
        features = {}
        for s in self.steps:
            k, st = s["kernel"], s["stride"]
            if s["type"] == "conv":
                if not (st == 1 and k % 2 == 1):
                    ph, pw = same_pad(x.shape[2], k, st), same_pad(x.shape[3], k, st)
                    x = F.pad(x, (pw[0], pw[1], ph[0], ph[1]))
                x = F.relu(self.convs[s["name"]](x))
            else:
                ph, pw = same_pad(x.shape[2], k, st), same_pad(x.shape[3], k, st)
                if ph != (0, 0) or pw != (0, 0):
                    # Inputs follow a ReLU (>= 0), so zero padding equals TF's -inf padding here.
                    x = F.pad(x, (pw[0], pw[1], ph[0], ph[1]))
                x = F.max_pool2d(x, k, st)
            if s["name"] in collect:
                features[s["name"]] = x
        return x, features


class MobileNetV2(nn.Module):
    """kd's MobileNetV2 layer by layer from the spec: 3x3 stride-2 stem, inverted residual blocks
    (1x1 expansion, 3x3 depthwise with the block's stride and dilation, 1x1 projection, batch norm
    after each conv, ReLU6 but after the projection), no conv biases. The same layers as
    torchvision's mobilenet_v2().features[:14] with DeepLab's stride-to-dilation change at output
    stride 8. Frozen batch norm: running statistics in inference mode while training, affine
    parameters trained, as kd's `frozenBatchNorm`."""

    def __init__(self, spec):
        super().__init__()
        eps = spec["bnEpsilon"]
        self.frozen = spec["frozenBatchNorm"]
        c = spec["stem"]
        self.stem = nn.Sequential(nn.Conv2d(3, c, 3, 2, 1, bias=False), nn.BatchNorm2d(c, eps=eps), nn.ReLU6())
        self.specs = spec["blocks"]
        blocks = []
        for b in self.specs:
            layers = []
            h = b["hidden"]
            if b["expand"]:
                layers += [nn.Conv2d(b["cin"], h, 1, bias=False), nn.BatchNorm2d(h, eps=eps), nn.ReLU6()]
            d = b["dilation"]
            layers += [
                nn.Conv2d(h, h, 3, b["stride"], padding=d, dilation=d, groups=h, bias=False),
                nn.BatchNorm2d(h, eps=eps),
                nn.ReLU6(),
                nn.Conv2d(h, b["cout"], 1, bias=False),
                nn.BatchNorm2d(b["cout"], eps=eps),
            ]
            blocks.append(nn.Sequential(*layers))
        self.blocks = nn.ModuleList(blocks)
        # Frozen stages (kd's backbone.frozenStages) get no gradient: autograd skips their backward.
        frozen = ([self.stem] if spec.get("stemFrozen") else []) + [
            m for b, m in zip(self.specs, self.blocks) if b.get("frozen")
        ]
        for m in frozen:
            for p in m.parameters():
                p.requires_grad_(False)

    def train(self, mode=True):
        super().train(mode)
        if self.frozen:
            for m in self.modules():
                if isinstance(m, nn.BatchNorm2d):
                    m.eval()
        return self

    def forward(self, x, collect=()):
        features = {}
        x = self.stem(x)
        if "stem" in collect:
            features["stem"] = x
        for i, (spec, block) in enumerate(zip(self.specs, self.blocks)):
            y = block(x)
            x = x + y if spec["residual"] else y
            last = i + 1 == len(self.specs) or self.specs[i + 1]["stage"] != spec["stage"]
            if last and spec["stage"] in collect:
                features[spec["stage"]] = x
        return x, features


def torchvision_mobilenet_v2_matches(spec):
    """Whether the MobileNetV2 of `spec` has the parameters and multiply-accumulates of torchvision's
    mobilenet_v2().features[:len(blocks) + 1] with the spec's depthwise strides and dilations
    (DeepLab's atrous change at output stride 8)."""
    from torchvision.models import mobilenet_v2

    tv = mobilenet_v2().features[: len(spec["blocks"]) + 1]
    for i, b in enumerate(spec["blocks"]):
        dw = tv[i + 1].conv[-3][0]
        d = b["dilation"]
        dw.stride, dw.dilation, dw.padding = (b["stride"],) * 2, (d, d), (d, d)
    ours = MobileNetV2(spec)

    class Plain(nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, x, collect=()):
            return self.m(x), {}

    image = torch.zeros(1, 3, 128, 128)
    count = lambda m: sum(p.numel() for p in m.parameters())
    return count(tv) == count(ours) and backbone_macs(Plain(tv), image) == backbone_macs(ours, image)


def make_backbone(spec):
    if spec["type"] == "sequential":
        return Backbone(spec["steps"])
    if spec["type"] == "mobilenetv2":
        return MobileNetV2(spec)
    raise ValueError(f"unknown backbone type {spec['type']}")


class Head(nn.Module):
    """RPN head + fc box head, initialised as kd does (std 0.01 / 0.001 for the output layers)."""

    def __init__(self, spec):
        super().__init__()
        c, a, nc = spec["featChannels"], spec["numAnchors"], spec["numClasses"]
        self.rpn_conv = nn.Conv2d(c, spec["rpnChannels"], 3, padding=1)
        self.rpn_cls = nn.Conv2d(spec["rpnChannels"], 2 * a, 1)
        self.rpn_bbox = nn.Conv2d(spec["rpnChannels"], 4 * a, 1)
        for m in (self.rpn_conv, self.rpn_cls, self.rpn_bbox):
            nn.init.normal_(m.weight, std=0.01)
            nn.init.zeros_(m.bias)
        d = spec["outputSize"] ** 2 * c
        fcs = []
        for dim in spec["fcDims"]:
            fc = nn.Linear(d, dim)
            nn.init.kaiming_normal_(fc.weight, nonlinearity="relu")
            nn.init.zeros_(fc.bias)
            fcs.append(fc)
            d = dim
        self.fcs = nn.ModuleList(fcs)
        self.cls = nn.Linear(d, nc + 1)
        self.bbox = nn.Linear(d, 4 * (nc + 1))
        nn.init.normal_(self.cls.weight, std=0.01)
        nn.init.normal_(self.bbox.weight, std=0.001)
        nn.init.zeros_(self.cls.bias)
        nn.init.zeros_(self.bbox.bias)

    def rpn(self, feat):
        b = feat.shape[0]
        x = F.relu(self.rpn_conv(feat))
        # (y, x, anchor) row order, as the kd model's NHWC reshape.
        logits = self.rpn_cls(x).permute(0, 2, 3, 1).reshape(b, -1, 2)
        deltas = self.rpn_bbox(x).permute(0, 2, 3, 1).reshape(b, -1, 4)
        return logits, deltas

    def box_head(self, pooled):
        x = pooled.flatten(1)
        for fc in self.fcs:
            x = F.relu(fc(x))
        return self.cls(x), self.bbox(x)


def encode(gt, boxes, w):
    bw, bh = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    bx, by = boxes[:, 0] + 0.5 * bw, boxes[:, 1] + 0.5 * bh
    gw, gh = gt[:, 2] - gt[:, 0], gt[:, 3] - gt[:, 1]
    gx, gy = gt[:, 0] + 0.5 * gw, gt[:, 1] + 0.5 * gh
    return torch.stack(
        [w[0] * (gx - bx) / bw, w[1] * (gy - by) / bh, w[2] * torch.log(gw / bw), w[3] * torch.log(gh / bh)], 1
    )


def decode(deltas, boxes, w):
    bw, bh = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    bx, by = boxes[:, 0] + 0.5 * bw, boxes[:, 1] + 0.5 * bh
    dx, dy = deltas[:, 0] / w[0], deltas[:, 1] / w[1]
    dw = torch.clamp(deltas[:, 2] / w[2], max=BBOX_XFORM_CLIP)
    dh = torch.clamp(deltas[:, 3] / w[3], max=BBOX_XFORM_CLIP)
    cx, cy = dx * bw + bx, dy * bh + by
    pw, ph = torch.exp(dw) * bw, torch.exp(dh) * bh
    return torch.stack([cx - 0.5 * pw, cy - 0.5 * ph, cx + 0.5 * pw, cy + 0.5 * ph], 1)


def match(iou, high, low, low_quality):
    """torchvision Matcher: gt index, -1 below `low`, -2 in between."""
    vals, matches = iou.max(0)
    out = matches.clone()
    out[vals < low] = -1
    out[(vals >= low) & (vals < high)] = -2
    if low_quality:
        best = iou.max(1).values
        _, cols = torch.nonzero(iou == best[:, None], as_tuple=True)
        out[cols] = matches[cols]
    return out, vals


def sample(labels, batch, frac, gen):
    pos = torch.nonzero(labels >= 1).flatten()
    neg = torch.nonzero(labels == 0).flatten()
    npos = min(int(batch * frac), pos.numel())
    nneg = min(batch - npos, neg.numel())
    pos = pos[torch.randperm(pos.numel(), generator=gen)[:npos]]
    neg = neg[torch.randperm(neg.numel(), generator=gen)[:nneg]]
    return pos, neg


def proposals(anchors, obj, deltas, hw, pre, post, thr, min_size):
    top = torch.topk(obj, min(pre, obj.numel())).indices
    boxes = decode(deltas[top], anchors[top], (1.0, 1.0, 1.0, 1.0))
    h, w = hw
    boxes[:, 0::2] = boxes[:, 0::2].clamp(0, w)
    boxes[:, 1::2] = boxes[:, 1::2].clamp(0, h)
    ms = max(min_size, 1e-3)
    keep = ((boxes[:, 2] - boxes[:, 0]) >= ms) & ((boxes[:, 3] - boxes[:, 1]) >= ms)
    boxes, scores = boxes[keep], obj[top][keep]
    k = nms(boxes, scores, thr)[:post]
    return boxes[k]


def smooth_l1_sum(pred, target, beta, norm):
    return F.smooth_l1_loss(pred, target, beta=beta, reduction="sum") / max(norm, 1)


class Model:
    def __init__(self, spec, extra_params=()):
        torch.manual_seed(0)
        self.spec = spec
        self.backbone = make_backbone(spec["backbone"])
        self.head = Head(spec)
        self.anchors = torch.tensor(spec["anchors"], dtype=torch.float32).reshape(-1, 4)
        self.params = list(self.backbone.parameters()) + list(self.head.parameters())
        trained = [p for p in self.params + list(extra_params) if p.requires_grad]
        decay = [p for p in trained if p.dim() > 1]
        other = [p for p in trained if p.dim() <= 1]
        self.trained = trained
        self.opt = torch.optim.SGD(
            [{"params": decay, "weight_decay": spec.get("weightDecay", 1e-4)}, {"params": other, "weight_decay": 0.0}],
            lr=spec["learningRate"],
            momentum=0.9,
        )
        self.clip = spec.get("clipGradNorm")
        self.gen = torch.Generator().manual_seed(0)

    def num_parameters(self):
        """Parameters plus batch-norm running statistics, as kd's ParamStore counts them."""
        stats = sum(
            m.running_mean.numel() + m.running_var.numel()
            for m in self.backbone.modules()
            if isinstance(m, nn.BatchNorm2d)
        )
        return sum(p.numel() for p in self.params) + stats

    def pool(self, feat, rois, roi_img):
        s = self.spec
        r = torch.cat([roi_img[:, None].to(rois.dtype), rois], 1)
        return roi_align(feat, r, s["outputSize"], 1.0 / s["stride"], s["samplingRatio"], s["aligned"])

    def forward_train(self, images, targets, collect=()):
        """The training forward of kd's trainStep: sampled anchors and RoIs, their outputs, targets."""
        rpn_cfg, roi_cfg = self.spec["rpn"], self.spec["roiHead"]
        self.backbone.train()
        feat, features = self.backbone(images, collect)
        logits, deltas = self.head.rpn(feat)
        b = images.shape[0]
        with torch.no_grad():
            obj = torch.softmax(logits, 2)[:, :, 1]
        rpn_rows, rpn_labels, rpn_targets = [], [], []
        rois, roi_img, rcn_labels, rcn_targets = [], [], [], []
        k = self.anchors.shape[0]
        for i in range(b):
            gt_boxes, gt_labels = targets[i]
            with torch.no_grad():
                m, _ = match(box_iou(gt_boxes, self.anchors), rpn_cfg["fgIouThreshold"], rpn_cfg["bgIouThreshold"], True)
                lab = torch.where(m >= 0, 1, torch.where(m == -1, 0, -1))
                pos, neg = sample(lab, rpn_cfg["batchSizePerImage"], rpn_cfg["positiveFraction"], self.gen)
                idx = torch.cat([pos, neg])
                rpn_rows.append(idx + i * k)
                rpn_labels.append(torch.cat([torch.ones_like(pos), torch.zeros_like(neg)]))
                t = torch.zeros(idx.numel(), 4)
                if pos.numel():
                    t[: pos.numel()] = encode(gt_boxes[m[pos]], self.anchors[pos], (1.0, 1.0, 1.0, 1.0))
                rpn_targets.append(t)
                p = proposals(
                    self.anchors, obj[i], deltas[i].detach(), images.shape[2:], rpn_cfg["preNmsTopNTrain"],
                    rpn_cfg["postNmsTopNTrain"], rpn_cfg["nmsThreshold"], rpn_cfg["minSize"],
                )
                cand = torch.cat([p, gt_boxes])
                iou = box_iou(gt_boxes, cand)
                m, vals = match(iou, roi_cfg["fgIouThreshold"], roi_cfg["bgIouHigh"], False)
                lab = torch.where(m >= 0, gt_labels[m.clamp(min=0)], torch.where(vals >= roi_cfg["bgIouLow"], 0, -1))
                lab = torch.where(m == -2, -1, lab)
                pos, neg = sample(lab, roi_cfg["batchSizePerImage"], roi_cfg["positiveFraction"], self.gen)
                idx = torch.cat([pos, neg])
                rois.append(cand[idx])
                roi_img.append(torch.full((idx.numel(),), i))
                rcn_labels.append(torch.cat([lab[pos], torch.zeros_like(neg)]))
                t = torch.zeros(idx.numel(), 4)
                if pos.numel():
                    t[: pos.numel()] = encode(gt_boxes[m[pos]], cand[pos], roi_cfg["boxWeights"])
                rcn_targets.append(t)
        rows = torch.cat(rpn_rows)
        rois, roi_img = torch.cat(rois), torch.cat(roi_img)
        rcn_labels = torch.cat(rcn_labels)
        cls, box = self.head.box_head(self.pool(feat, rois, roi_img))
        n = rcn_labels.numel()
        return {
            "features": features,
            "grid": feat.shape[2:],
            "k": k,
            "rows": rows,
            "rpn_labels": torch.cat(rpn_labels),
            "rpn_targets": torch.cat(rpn_targets),
            "rpn_logits": logits.reshape(-1, 2)[rows],
            "rpn_deltas": deltas.reshape(-1, 4)[rows],
            "rois": rois,
            "roi_img": roi_img,
            "rcn_labels": rcn_labels,
            "rcn_targets": torch.cat(rcn_targets),
            "rcn_logits": cls,
            "rcn_deltas": box.reshape(n, -1, 4)[torch.arange(n), rcn_labels],
        }

    def detection_losses(self, f, cls_weight=1.0):
        rpn_pos, rcn_pos = f["rpn_labels"] > 0, f["rcn_labels"] > 0
        return (
            cls_weight * F.cross_entropy(f["rpn_logits"], f["rpn_labels"])
            + smooth_l1_sum(f["rpn_deltas"][rpn_pos], f["rpn_targets"][rpn_pos], 1.0 / 9, f["rows"].numel())
            + cls_weight * F.cross_entropy(f["rcn_logits"], f["rcn_labels"])
            + smooth_l1_sum(f["rcn_deltas"][rcn_pos], f["rcn_targets"][rcn_pos], 1.0, f["rcn_labels"].numel())
        )

    def update(self, loss):
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        grads = [p.grad for p in self.trained if p.grad is not None]
        if self.clip is not None:
            nn.utils.clip_grad_norm_(self.trained, self.clip)
        else:
            # kd's trainStep reads the global gradient norm (for logging): the same work here.
            torch.norm(torch.stack([g.norm() for g in grads]))
        self.opt.step()
        return float(loss)

    def train_step(self, images, targets):
        return self.update(self.detection_losses(self.forward_train(images, targets)))

    @torch.no_grad()
    def forward_on_rows(self, images, f, student_anchors, collect=(), scale=1.0):
        """The frozen teacher on the student's sampled rows (kd's FasterRcnn.forwardOnRows): `images`
        are the student's resized by `scale`, so the student's anchors and RoIs are scaled by it."""
        self.backbone.eval()
        feat, features = self.backbone(images, collect)
        logits, deltas = self.head.rpn(feat)
        k = self.anchors.shape[0]
        image, anchor = f["rows"] // f["k"], f["rows"] % f["k"]
        if scale == 1.0 and tuple(feat.shape[2:]) == tuple(f["grid"]) and k == f["k"]:
            idx = image * k + anchor
            t_logits, t_deltas = logits.reshape(-1, 2)[idx], deltas.reshape(-1, 4)[idx]
        else:
            # Another grid: each student anchor (scaled) takes the teacher anchor it overlaps most,
            # whose predicted box, scaled back, is re-encoded against the student anchor.
            s_anchors = student_anchors[anchor]
            best = box_iou(s_anchors * scale, self.anchors).argmax(1)
            idx = image * k + best
            t_logits = logits.reshape(-1, 2)[idx]
            ones = (1.0, 1.0, 1.0, 1.0)
            boxes = decode(deltas.reshape(-1, 4)[idx], self.anchors[best], ones) / scale
            t_deltas = encode(boxes, s_anchors, ones)
        cls, box = self.head.box_head(self.pool(feat, f["rois"] * scale, f["roi_img"]))
        n = f["rcn_labels"].numel()
        return {
            "features": features,
            "rpn_logits": t_logits,
            "rpn_deltas": t_deltas,
            "rcn_logits": cls,
            "rcn_deltas": box.reshape(n, -1, 4)[torch.arange(n), f["rcn_labels"]],
        }

    @torch.no_grad()
    def backbone_forward(self, image):
        self.backbone.eval()
        return self.backbone(image)[0]

    @torch.no_grad()
    def predict(self, image, meta):
        s, rpn_cfg, inf = self.spec, self.spec["rpn"], self.spec["inference"]
        self.backbone.eval()
        feat, _ = self.backbone(image)
        logits, deltas = self.head.rpn(feat)
        obj = torch.softmax(logits, 2)[0, :, 1]
        h, w = meta["height"], meta["width"]
        p = proposals(self.anchors, obj, deltas[0], (h, w), rpn_cfg["preNmsTopNTest"], rpn_cfg["postNmsTopNTest"],
                      rpn_cfg["nmsThreshold"], rpn_cfg["minSize"])
        cls, box = self.head.box_head(self.pool(feat, p, torch.zeros(p.shape[0])))
        probs = torch.softmax(cls, 1)[:, 1:]
        c = probs.shape[1]
        boxes = decode(box.reshape(-1, c + 1, 4)[:, 1:].reshape(-1, 4), p.repeat_interleave(c, 0),
                       s["roiHead"]["boxWeights"])
        boxes[:, 0::2] = boxes[:, 0::2].clamp(0, w)
        boxes[:, 1::2] = boxes[:, 1::2].clamp(0, h)
        scores = probs.reshape(-1)
        labels = torch.arange(1, c + 1).repeat(p.shape[0])
        keep = (scores > inf["scoreThreshold"]) & ((boxes[:, 2] - boxes[:, 0]) >= 1e-2) & (
            (boxes[:, 3] - boxes[:, 1]) >= 1e-2)
        boxes, scores, labels = boxes[keep], scores[keep], labels[keep]
        k = batched_nms(boxes, scores, labels, inf["nmsThreshold"])[: inf["detectionsPerImage"]]
        return boxes[k] / meta["scale"], scores[k], labels[k]


def soft_cross_entropy(student, teacher, t, bg_weight, t2):
    """-sum_c w_c p_t,c log p_s,c at temperature t, mean over rows; background column weight bg."""
    w = torch.ones(student.shape[1])
    w[0] = bg_weight
    p = torch.softmax(teacher / t, 1)
    loss = -(w * p * F.log_softmax(student / t, 1)).sum(1).mean()
    return loss * t * t if t2 else loss


def bounded_regression(student, teacher, target, labels, margin):
    """The teacher bound L_b: ||R_s - y||^2 where it exceeds ||R_t - y||^2 - m, foreground rows, / N."""
    s_err = ((student - target) ** 2).sum(1)
    t_err = ((teacher - target) ** 2).sum(1)
    active = ((s_err + margin > t_err) & (labels >= 1)).float()
    return (s_err * active).sum() / max(labels.numel(), 1)


class Distillation:
    """kd's distillStep: a frozen teacher, the paper's objective and the hint with its adaptation."""

    def __init__(self, spec):
        d = spec["distill"]
        self.teacher = Model(d["teacher"])
        for p in self.teacher.params:
            p.requires_grad_(False)
        h = d["hint"]
        a = h["adaptation"]
        self.hint = h
        self.adapt = nn.Conv2d(a["cin"], a["cout"], a["kernel"], padding=a["kernel"] // 2, bias=a["bias"])
        self.objective = d["objective"]
        self.student = Model(spec, extra_params=list(self.adapt.parameters()))

    def num_parameters(self):
        return self.student.num_parameters()

    def train_step(self, images, targets, teacher_images=None):
        """`teacher_images`: the batch at the teacher's input size (a run's loader prepares it)."""
        o, h, s = self.objective, self.hint, self.student
        f = s.forward_train(images, targets, collect=(h["studentLayer"],))
        t_images = images if teacher_images is None else teacher_images
        scale = t_images.shape[2] / images.shape[2]
        t = self.teacher.forward_on_rows(t_images, f, s.anchors, collect=(h["teacherLayer"],), scale=scale)
        v = self.adapt(f["features"][h["studentLayer"]])
        z = t["features"][h["teacherLayer"]]
        if v.shape[2:] != z.shape[2:]:
            if h["resample"] != "bilinear":
                raise ValueError(f"hint resampling {h['resample']} is not in the reference")
            v = F.interpolate(v, size=z.shape[2:], mode="bilinear", align_corners=False)
        if h["normalize"] == "channelL2":
            v, z = F.normalize(v, dim=1), F.normalize(z, dim=1)
        mu, temp, t2, bg = o["mu"], o["temperature"], o["scaleByTemperatureSquared"], o["backgroundWeight"]
        soft = soft_cross_entropy(f["rpn_logits"], t["rpn_logits"], temp, bg, t2) + soft_cross_entropy(
            f["rcn_logits"], t["rcn_logits"], temp, bg, t2
        )
        bound = bounded_regression(
            f["rpn_deltas"], t["rpn_deltas"], f["rpn_targets"], f["rpn_labels"], o["margin"]
        ) + bounded_regression(f["rcn_deltas"], t["rcn_deltas"], f["rcn_targets"], f["rcn_labels"], o["margin"])
        loss = (
            s.detection_losses(f, mu)
            + (1 - mu) * soft
            + o["lambda"] * o["nu"] * bound
            + o["gamma"] * F.mse_loss(v, z)
        )
        return s.update(loss)

    def predict(self, image, meta):
        return self.student.predict(image, meta)


def median_ms(fn, warmup, runs):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


@torch.no_grad()
def backbone_macs(backbone, image):
    """Multiply-accumulates of the backbone's convolutions on one image (forward hooks)."""
    total = [0]

    def hook(m, _inp, out):
        k = m.kernel_size[0] * m.kernel_size[1] * m.in_channels // m.groups
        total[0] += out.numel() * k

    hooks = [m.register_forward_hook(hook) for m in backbone.modules() if isinstance(m, nn.Conv2d)]
    was = backbone.training
    backbone.eval()
    backbone(image)
    backbone.train(was)
    for h in hooks:
        h.remove()
    return total[0]


def loaded_blas():
    """The BLAS library this process actually mapped: torch's build says BLAS_INFO=generic, and
    Debian's update-alternatives decides whether libblas.so.3 is the reference BLAS or OpenBLAS."""
    torch.mm(torch.ones(2, 2), torch.ones(2, 2))
    with open("/proc/self/maps") as f:
        libs = sorted({line.split()[-1] for line in f if "blas" in line.split()[-1].lower()})
    real = sorted({os.path.realpath(l) for l in libs})
    return ", ".join(real) if real else "none mapped"


def main():
    spec_path = sys.argv[1]
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    torch.set_num_threads(threads)
    with open(spec_path) as f:
        bench = json.load(f)
    data = bench["data"]
    n, size = data["batch"], data["size"]
    pixels = np.fromfile(data["imagesFile"], dtype="<f4").reshape(n, size, size, 3)
    images = torch.from_numpy(pixels.copy()).permute(0, 3, 1, 2).contiguous()
    targets = [
        (torch.tensor(t["boxes"], dtype=torch.float32).reshape(-1, 4), torch.tensor(t["labels"], dtype=torch.int64))
        for t in data["targets"]
    ]
    meta = {"height": size, "width": size, "scale": 1.0}
    out = {"torch": torch.__version__, "torchvision": torchvision.__version__, "threads": threads, "blas": loaded_blas()}
    for name, spec in bench["models"].items():
        print(f"PyTorch: {name}", file=sys.stderr, flush=True)
        model = Distillation(spec) if "distill" in spec else Model(spec)
        one = images[:1]
        # A recipe trains on the first `batch` images (its preset's batch size).
        b = spec.get("batch", n)
        batch, batch_targets = images[:b], targets[:b]
        if "distill" in spec:
            # The teacher's batch, resized before the step as kd's loader does.
            ts = spec["distill"]["teacherImageSize"]
            t_batch = batch if ts == size else F.interpolate(batch, size=(ts, ts), mode="bilinear", align_corners=False)
            step = lambda: model.train_step(batch, batch_targets, t_batch)  # noqa: E731
        else:
            step = lambda: model.train_step(batch, batch_targets)  # noqa: E731
        out[name] = {
            "parameters": model.num_parameters(),
            "macs": backbone_macs(model.student.backbone if "distill" in spec else model.backbone, one),
            "trainStep": median_ms(step, 1, runs),
        }
        for role, s in (("student", spec), ("teacher", spec.get("distill", {}).get("teacher"))):
            if s is not None and s["backbone"]["type"] == "mobilenetv2":
                out[name][f"{role}MatchesTorchvision"] = torchvision_mobilenet_v2_matches(s["backbone"])
        if not spec.get("skipInference", False):
            out[name]["inference"] = median_ms(lambda: model.predict(one, meta), 2, runs)
            out[name]["inferenceBackbone"] = median_ms(lambda: model.backbone_forward(one), 1, runs)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
