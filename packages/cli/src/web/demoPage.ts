// The web demo's browser entry (bundled by buildWebDemo with esbuild for `platform: 'browser'`;
// `@kd/faster-rcnn` and `@kd/tensor-ops` resolve to their browser-safe entries). It runs the
// exported student on the sample images and on images the user drops, draws the boxes and shows
// per-image latency and the tfjs backend. `window.kdDemo` exposes the results to tests.
import { type Detector, loadDetector, type NamedDetections } from '@kd/faster-rcnn';
import { patchSamePadding } from '@kd/tensor-ops';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgl';
import * as tf from '@tensorflow/tfjs-core';

export interface PageResult {
  readonly name: string;
  readonly boxes: number[];
  readonly scores: number[];
  readonly labels: number[];
  readonly classNames: string[];
  readonly ms: number;
}

interface DemoApi {
  backend: string;
  results: PageResult[];
  /** Runs the detector on an image URL (minScore 0 → every detection the network keeps). */
  detectUrl(url: string, minScore?: number): Promise<PageResult>;
  /**
   * Median latency (ms) of `runs` detections of an image after one warm-up, by the export at
   * `modelUrl` (default: the page's student).
   */
  time(imageUrl: string, runs: number, modelUrl?: string): Promise<number>;
}

declare global {
  interface Window {
    kdDemo?: DemoApi;
    kdDemoError?: string;
  }
}

const COLOURS = [
  '#e6194b',
  '#3cb44b',
  '#4363d8',
  '#f58231',
  '#911eb4',
  '#42d4f4',
  '#f032e6',
  '#bfef45',
];

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text = '',
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}

/** Picks the backend: `?backend=` if given, else WebGL when it starts, else wasm. */
async function chooseBackend(): Promise<string> {
  setWasmPaths(new URL('./', document.baseURI).href);
  const asked = new URLSearchParams(location.search).get('backend');
  for (const name of asked ? [asked] : ['webgl', 'wasm']) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        // The same 'same'-padding correction as Node's initBackend, so both compute alike.
        if (name === 'wasm') patchSamePadding('wasm');
        return name;
      }
    } catch {
      // try the next backend
    }
  }
  throw new Error(`no tfjs backend could start (${asked ?? 'webgl, wasm'})`);
}

async function pixelsOf(source: CanvasImageSource & { width: number; height: number }) {
  const canvas = el('canvas');
  canvas.width = source.width;
  canvas.height = source.height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(source, 0, 0);
  return ctx.getImageData(0, 0, canvas.width, canvas.height);
}

async function loadImage(url: string): Promise<HTMLImageElement> {
  const img = new Image();
  img.src = url;
  await img.decode();
  return img;
}

function drawResult(
  img: CanvasImageSource & { width: number; height: number },
  d: NamedDetections,
  caption: string,
): HTMLElement {
  const fig = el('figure');
  const canvas = el('canvas');
  const zoom = Math.max(1, Math.floor(256 / Math.max(img.width, img.height)));
  canvas.width = img.width * zoom;
  canvas.height = img.height * zoom;
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  ctx.lineWidth = 2;
  ctx.font = '12px sans-serif';
  for (let i = 0; i < d.scores.length; i++) {
    const [x1, y1, x2, y2] = Array.from(d.boxes.subarray(4 * i, 4 * i + 4), (v) => v * zoom) as [
      number,
      number,
      number,
      number,
    ];
    const colour = COLOURS[(d.labels[i]! - 1) % COLOURS.length]!;
    ctx.strokeStyle = colour;
    ctx.strokeRect(x1, y1, x2 - x1, y2 - y1);
    const text = `${d.classNames[i]} ${d.scores[i]!.toFixed(2)}`;
    ctx.fillStyle = colour;
    ctx.fillRect(x1, Math.max(0, y1 - 14), ctx.measureText(text).width + 4, 14);
    ctx.fillStyle = '#fff';
    ctx.fillText(text, x1 + 2, Math.max(11, y1 - 3));
  }
  fig.append(canvas, el('figcaption', {}, caption));
  return fig;
}

async function main(): Promise<void> {
  const status = document.getElementById('status')!;
  const gallery = document.getElementById('gallery')!;
  const backend = await chooseBackend();
  status.textContent = `backend ${backend} · loading the student…`;
  const detector: Detector = await loadDetector(new URL('model/model.json', document.baseURI).href);
  const results: PageResult[] = [];
  const run = async (
    name: string,
    img: HTMLImageElement | ImageBitmap | HTMLVideoElement,
    minScore?: number,
    show = true,
  ) => {
    const w = img instanceof HTMLVideoElement ? img.videoWidth : img.width;
    const h = img instanceof HTMLVideoElement ? img.videoHeight : img.height;
    const frame = img instanceof HTMLVideoElement ? await createImageBitmap(img) : img;
    const pixels = await pixelsOf(
      Object.assign(frame, {}) as CanvasImageSource & { width: number; height: number },
    );
    const t0 = performance.now();
    const d = await detector.detect(
      { data: pixels.data, width: w, height: h },
      minScore === undefined ? {} : { minScore },
    );
    const ms = performance.now() - t0;
    const result: PageResult = {
      name,
      boxes: Array.from(d.boxes),
      scores: Array.from(d.scores),
      labels: Array.from(d.labels),
      classNames: [...d.classNames],
      ms,
    };
    if (show)
      gallery[name.startsWith('sample ') ? 'append' : 'prepend'](
        drawResult(
          frame as CanvasImageSource & { width: number; height: number },
          d,
          `${name}: ${d.scores.length} detections · ${ms.toFixed(1)} ms (${backend})`,
        ),
      );
    return result;
  };
  const samples = (await (await fetch('samples.json')).json()) as string[];
  for (const s of samples) results.push(await run(`sample ${s}`, await loadImage(`samples/${s}`)));
  const mean = results.reduce((a, r) => a + r.ms, 0) / Math.max(1, results.length);
  status.textContent = `backend ${backend} · student ${detector.model.describe()} · ${results.length} samples, mean ${mean.toFixed(1)} ms/image (first includes warm-up) · threshold ${detector.manifest.scoreThreshold}`;

  const input = document.getElementById('file') as HTMLInputElement;
  const onFiles = async (files: FileList | null) => {
    for (const f of Array.from(files ?? []))
      results.push(await run(f.name, await createImageBitmap(f)));
  };
  input.addEventListener('change', () => void onFiles(input.files));
  document.body.addEventListener('dragover', (e) => e.preventDefault());
  document.body.addEventListener('drop', (e) => {
    e.preventDefault();
    void onFiles(e.dataTransfer?.files ?? null);
  });
  document.getElementById('webcam')!.addEventListener('click', async () => {
    const video = el('video', { playsinline: '', muted: '' });
    video.srcObject = await navigator.mediaDevices.getUserMedia({ video: true });
    await video.play();
    for (let i = 0; i < 30; i++) results.push(await run(`webcam frame ${i + 1}`, video));
  });

  window.kdDemo = {
    backend,
    results,
    detectUrl: async (url, minScore) => run(url, await loadImage(url), minScore, false),
    time: async (imageUrl, runs, modelUrl) => {
      const d = modelUrl ? await loadDetector(new URL(modelUrl, document.baseURI).href) : detector;
      try {
        const img = await loadImage(imageUrl);
        const { data, width, height } = await pixelsOf(img);
        const ms: number[] = [];
        for (let i = 0; i <= runs; i++) {
          const t0 = performance.now();
          await d.detect({ data, width, height });
          if (i > 0) ms.push(performance.now() - t0);
        }
        ms.sort((a, b) => a - b);
        return ms[Math.floor(ms.length / 2)]!;
      } finally {
        if (d !== detector) d.dispose();
      }
    },
  };
}

main().catch((err: unknown) => {
  window.kdDemoError = err instanceof Error ? `${err.message}\n${err.stack}` : String(err);
  document.getElementById('status')!.textContent = `error: ${window.kdDemoError}`;
});
