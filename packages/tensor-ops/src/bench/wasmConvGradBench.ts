// `pnpm bench` (tensor-ops): on wasm, the convolutions of the Faster R-CNN benchmark's backbones and
// of the shapes recipes, layer by layer (batch 8, 128 px): forward, the input gradient, and the
// filter gradient as a convolution (kd's composite) and as im2col + one matMul, timed alternately
// in the same run so that the machine's load hits both alike.
import { cpus, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend/initBackend.js';
import { conv2dBackpropFilterComposite } from '../backend/kernels/conv2dBackpropFilterComposite.js';
import { conv2dBackpropInputComposite } from '../backend/kernels/conv2dBackpropInputComposite.js';
import { conv2dBackpropFilterIm2col } from './conv2dBackpropFilterIm2col.js';

const RUNS = Number(process.env.KD_BENCH_RUNS ?? 3);
const BATCH = 8;
const SIZE = 128;

interface ConvLayer {
  readonly name: string;
  /** Input side (square). */
  readonly size: number;
  readonly k: number;
  readonly stride: number;
  readonly cin: number;
  readonly cout: number;
  /** The first layer's input gradient is never computed (images are not trained). */
  readonly first: boolean;
}

/** VGG16 at width `m`, output stride 8 (pools after blocks 1–3), as kd builds it at 128 px. */
function vgg16Layers(m: number): ConvLayer[] {
  const layers: ConvLayer[] = [];
  let size = SIZE;
  let cin = 3;
  const blocks: [number, number][] = [
    [64, 2],
    [128, 2],
    [256, 3],
    [512, 3],
    [512, 3],
  ];
  blocks.forEach(([ch, count], b) => {
    const cout = Math.max(1, Math.round(ch * m));
    for (let i = 1; i <= count; i++) {
      layers.push({
        name: `conv${b + 1}_${i}`,
        size,
        k: 3,
        stride: 1,
        cin,
        cout,
        first: layers.length === 0,
      });
      cin = cout;
    }
    if (b < 3) size = Math.ceil(size / 2);
  });
  return layers;
}

/** AlexNet at width `m`, output stride 8 (last pool dropped), at 128 px. */
function alexnetLayers(m: number): ConvLayer[] {
  const c = (n: number) => Math.max(1, Math.round(n * m));
  return [
    { name: 'conv1', size: SIZE, k: 11, stride: 4, cin: 3, cout: c(96), first: true },
    { name: 'conv2', size: 16, k: 5, stride: 1, cin: c(96), cout: c(256), first: false },
    { name: 'conv3', size: 16, k: 3, stride: 1, cin: c(256), cout: c(384), first: false },
    { name: 'conv4', size: 16, k: 3, stride: 1, cin: c(384), cout: c(384), first: false },
    { name: 'conv5', size: 16, k: 3, stride: 1, cin: c(384), cout: c(256), first: false },
  ];
}

const MODELS: Record<string, ConvLayer[]> = {
  'vgg16×0.5 (bench teacher)': vgg16Layers(0.5),
  'alexnet×0.5 (bench student)': alexnetLayers(0.5),
  'vgg16×0.125 (shapes-teacher)': vgg16Layers(0.125),
  'vgg16×0.0625 (shapes-student)': vgg16Layers(0.0625),
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function timed(f: () => tf.Tensor): number {
  const t0 = performance.now();
  const out = f();
  out.dataSync();
  const ms = performance.now() - t0;
  out.dispose();
  return ms;
}

interface LayerTimes {
  readonly forward: number;
  readonly dx: number;
  readonly dwConv: number;
  readonly dwIm2col: number;
  readonly maxRelDiff: number;
}

function timeLayer(l: ConvLayer): LayerTimes {
  const x = tf.randomNormal([BATCH, l.size, l.size, l.cin], 0, 1, 'float32', 1) as tf.Tensor4D;
  const w = tf.randomNormal([l.k, l.k, l.cin, l.cout], 0, 0.1, 'float32', 2) as tf.Tensor4D;
  const options = { strides: l.stride, dilations: 1, pad: 'same' as const };
  const y = tf.conv2d(x, w, l.stride, 'same');
  const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 3) as tf.Tensor4D;
  y.dispose();
  const t = {
    forward: [] as number[],
    dx: [] as number[],
    conv: [] as number[],
    im2col: [] as number[],
  };
  const a = conv2dBackpropFilterComposite(x, dy, w.shape, options);
  const b = conv2dBackpropFilterIm2col(x, dy, w.shape, options);
  const maxRelDiff = tf.tidy(
    () => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]! / tf.max(tf.abs(a)).dataSync()[0]!,
  );
  tf.dispose([a, b]);
  for (let r = 0; r < RUNS; r++) {
    t.forward.push(timed(() => tf.conv2d(x, w, l.stride, 'same')));
    if (!l.first) t.dx.push(timed(() => conv2dBackpropInputComposite(x.shape, dy, w, options)));
    // Alternate which formulation goes first, so that neither always runs on a warmer cache.
    const order = r % 2 === 0 ? ['conv', 'im2col'] : ['im2col', 'conv'];
    for (const o of order) {
      if (o === 'conv')
        t.conv.push(timed(() => conv2dBackpropFilterComposite(x, dy, w.shape, options)));
      else t.im2col.push(timed(() => conv2dBackpropFilterIm2col(x, dy, w.shape, options)));
    }
  }
  tf.dispose([x, w, dy]);
  return {
    forward: median(t.forward),
    dx: l.first ? 0 : median(t.dx),
    dwConv: median(t.conv),
    dwIm2col: median(t.im2col),
    maxRelDiff,
  };
}

async function main(): Promise<void> {
  const info = await initBackend({ backend: 'wasm' });
  console.log(
    `wasm convolution gradients, batch ${BATCH}, ${SIZE} px, 'same' padding; median of ${RUNS} runs (after a warm-up) per layer, formulations alternated`,
  );
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}; load average at start ${loadavg()
      .map((v) => v.toFixed(2))
      .join(
        ' ',
      )}; tfjs ${info.tfjsVersion}, SIMD ${info.wasm?.simd ? 'on' : 'off'}, threads ${info.wasm?.threads ? 'on' : 'off'}`,
  );
  const before = tf.memory().numTensors;
  for (const [model, layers] of Object.entries(MODELS)) {
    timeLayer(layers[0]!); // warm-up: XNNPACK operator creation, heap growth
    const rows: string[][] = [];
    const sum = { forward: 0, dx: 0, dwConv: 0, dwIm2col: 0 };
    for (const l of layers) {
      const t = timeLayer(l);
      sum.forward += t.forward;
      sum.dx += t.dx;
      sum.dwConv += t.dwConv;
      sum.dwIm2col += t.dwIm2col;
      rows.push([
        l.name,
        `${l.k}×${l.k} s${l.stride} ${l.cin}→${l.cout} @${l.size}`,
        t.forward.toFixed(0),
        l.first ? '—' : t.dx.toFixed(0),
        t.dwConv.toFixed(0),
        t.dwIm2col.toFixed(0),
        `${(t.dwConv / t.dwIm2col).toFixed(2)}×`,
        t.maxRelDiff.toExponential(1),
      ]);
    }
    rows.push([
      'sum',
      '',
      sum.forward.toFixed(0),
      sum.dx.toFixed(0),
      sum.dwConv.toFixed(0),
      sum.dwIm2col.toFixed(0),
      `${(sum.dwConv / sum.dwIm2col).toFixed(2)}×`,
      '',
    ]);
    console.log(`\n${model}`);
    console.log(
      table(
        [
          'layer',
          'shape',
          'forward ms',
          'dX ms',
          'dW conv ms',
          'dW im2col ms',
          'dW speed-up',
          'max rel. diff',
        ],
        rows,
      ),
    );
    console.log(
      `backward (dX + dW) ${(sum.dx + sum.dwConv).toFixed(0)} ms → ${(sum.dx + sum.dwIm2col).toFixed(0)} ms with im2col dW`,
    );
  }
  console.log(
    `\nload average at end ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}; tensors leaked: ${tf.memory().numTensors - before}`,
  );
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    fmt(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(fmt),
  ].join('\n');
}

await main();
