import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

/**
 * Bundles `entry` for browsers and returns the Node built-ins the bundle needs; an empty list
 * means the entry runs in a page. Built-ins that a package's `browser` field maps away (tfjs-core's
 * guarded `require('util')`) are resolved by esbuild and not reported; any other is an error.
 */
async function nodeImportsOf(entry: string): Promise<string[]> {
  const result = await esbuild
    .build({
      stdin: { contents: entry, resolveDir: fileURLToPath(new URL('.', import.meta.url)) },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    })
    .then(
      () => [],
      (err: { errors?: esbuild.Message[] }) => err.errors ?? [],
    );
  return result.map((m) => `${m.text} (${m.location?.file ?? '?'})`);
}

// This package and its tensor-ops dependency, resolved by name as an application would.
const self = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string }
).name;
const ops = self.replace('faster-rcnn', 'tensor-ops');

test('the browser entry (package `browser` condition) imports no Node built-in', async () => {
  // Everything the demo page uses: build a detector from an export, predict, anchors, NMS, boxes.
  const entry = `
    import { loadDetector, Detector, FasterRcnn, preprocessPixels, toDatasetDetections } from '${self}';
    import { batchedNms, generateAnchors, decodeBoxes, boxIou, roiAlign } from '${ops}';
    globalThis.kd = { loadDetector, Detector, FasterRcnn, preprocessPixels, toDatasetDetections, batchedNms, generateAnchors, decodeBoxes, boxIou, roiAlign };
  `;
  assert.deepEqual(await nodeImportsOf(entry), []);
});

test('the check can fail: the Node entry pulls node:fs in', async () => {
  const seen = await nodeImportsOf(
    `import { loadFasterRcnn } from '../dist/index.js'; globalThis.f = loadFasterRcnn;`,
  );
  assert.ok(
    seen.some((s) => s.includes('"node:fs"')),
    seen.join(', '),
  );
});
