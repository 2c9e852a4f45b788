// `pnpm --filter @kd/faster-rcnn bench` (fourth part): the host box arithmetic of target
// assignment and proposal generation, per call, A/B in the same run, alternating: the tensor-ops
// kernels read back (what iouHost / encodeHost / decodeHost ran before) against the float32
// loops, and the comparator sort of the objectness against rankByScore. Sizes as a 600×800-ish
// image's RPN on a stride-16 map (2,304 anchors of the bench models, 17,100 at 600×800), 5 ground
// truths, 256 sampled anchors, 300 pre-NMS proposals. Median µs of KD_BENCH_RUNS (default 15)
// batches of 20 calls; KD_BENCH_BACKENDS as elsewhere (the loops do not depend on it).
import { loadavg } from 'node:os';
import { boxIou, decodeBoxes, encodeBoxes, initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { decodeHost, encodeHost, iouHost } from '../internal/hostBoxes.js';
import { rankByScore } from '../internal/rankByScore.js';
import { tidyRead } from '../internal/tidyRead.js';
import { benchBackends } from '../testing/benchBackends.js';
import { median } from '../testing/median.js';

const RUNS = Number(process.env.KD_BENCH_RUNS ?? 15);
const CALLS = 20;

let seed = 7;
const rand = (): number => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const boxes = (n: number): Float32Array => {
  const out = new Float32Array(4 * n);
  for (let i = 0; i < n; i++) {
    const x = rand() * 700;
    const y = rand() * 500;
    out.set([x, y, x + 8 + rand() * 300, y + 8 + rand() * 300], 4 * i);
  }
  return out;
};
const t2 = (v: Float32Array) => tf.tensor2d(v, [v.length / 4, 4]);
const W = [1, 1, 1, 1] as const;

interface Case {
  readonly name: string;
  readonly before: () => unknown;
  readonly after: () => unknown;
}

function cases(): Case[] {
  const gt = boxes(5);
  const anchors = boxes(2304);
  const sampledRef = boxes(256);
  const sampledAnchors = boxes(256);
  const deltas = Float32Array.from({ length: 4 * 300 }, () => rand() * 2 - 1);
  const proposals = boxes(300);
  const list: Case[] = [
    {
      name: 'iou 5 × 2,304',
      before: () => tidyRead(() => boxIou(t2(gt), t2(anchors))),
      after: () => iouHost(gt, anchors),
    },
    {
      name: 'encode 256',
      before: () => tidyRead(() => encodeBoxes(t2(sampledRef), t2(sampledAnchors), { weights: W })),
      after: () => encodeHost(sampledRef, sampledAnchors, W),
    },
    {
      name: 'decode 300',
      before: () => tidyRead(() => decodeBoxes(t2(deltas), t2(proposals), { weights: W })),
      after: () => decodeHost(deltas, proposals, W),
    },
  ];
  for (const k of [2304, 17100]) {
    const objectness = Float32Array.from({ length: k }, () => Math.fround(rand()));
    list.push({
      name: `rank ${k.toLocaleString('en')} objectness`,
      before: () =>
        Int32Array.from({ length: k }, (_, i) => i).sort(
          (a, b) => objectness[b]! - objectness[a]! || a - b,
        ),
      after: () => rankByScore(objectness),
    });
  }
  return list;
}

async function main(): Promise<void> {
  const load0 = loadavg();
  const rows: string[] = [];
  for (const backend of benchBackends()) {
    await initBackend({ backend });
    const before = tf.memory().numTensors;
    for (const c of cases()) {
      const times: [number[], number[]] = [[], []];
      for (let r = 0; r <= RUNS; r++)
        [c.before, c.after].forEach((fn, v) => {
          const t0 = performance.now();
          for (let i = 0; i < CALLS; i++) fn();
          if (r > 0) times[v]!.push(((performance.now() - t0) / CALLS) * 1000); // run 0 warms up
        });
      const [b, a] = times.map(median) as [number, number];
      rows.push(
        `| ${backend} | ${c.name} | ${b.toFixed(0)} | ${a.toFixed(0)} | ${(b / a).toFixed(1)}× |`,
      );
    }
    rows.push(`| ${backend} | tensors leaked | ${tf.memory().numTensors - before} | | |`);
  }
  console.log(
    `Host box arithmetic per call: median µs of ${RUNS} batches of ${CALLS} calls after a warm-up, variants alternating; load average before ${load0.map((l) => l.toFixed(2)).join(' ')}, after ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    '| backend | call | tensor kernels / comparator sort µs | loops / rankByScore µs | ratio |',
  );
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}

await main();
