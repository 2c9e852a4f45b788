import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeImageFile } from '@kd/data-voc-coco-kitti';
import { fileIOHandler, loadDetector } from '@kd/faster-rcnn';
import { initBackend } from '@kd/tensor-ops';
import * as E from 'fp-ts/lib/Either.js';
import { repoRoot } from '../test-util.js';
import { buildWebDemo, type WebDemo } from './buildWebDemo.js';
import type { PageResult } from './demoPage.js';
import { serveDirectory } from './serveDirectory.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
];
const student = join(repoRoot(), 'models', 'shapes-student-distilled-pretrained');
const dir = mkdtempSync(join(tmpdir(), 'kd-web-demo-'));
let demo: WebDemo;

before(async () => {
  await initBackend({ backend: 'wasm' });
  demo = await buildWebDemo({
    checkpoint: student,
    out: join(dir, 'site'),
    samples: 3,
    minify: false,
  });
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('web demo', () => {
  test('the static server serves the page and refuses paths outside its folder', async () => {
    const { server, url } = await serveDirectory(demo.out, 0);
    try {
      const page = await fetch(url);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<script type="module" src="demo.js">/);
      const wasm = await fetch(`${url}tfjs-backend-wasm-simd.wasm`);
      assert.equal(wasm.headers.get('content-type'), 'application/wasm');
      assert.equal((await fetch(`${url}..%2F..%2F..%2Fetc%2Fpasswd`)).status, 403);
      assert.equal((await fetch(`${url}nothing.json`)).status, 404);
    } finally {
      server.close();
    }
  });

  test('headless Chromium (wasm) finds the same detections as Node (wasm) on the bundled images', async (t) => {
    if (!existsSync(CHROMIUM)) {
      t.skip('chromium not installed: apt-get install chromium');
      return;
    }
    const { chromium } = await import('playwright-core');
    const { server, url } = await serveDirectory(demo.out, 0);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      await page.goto(`${url}?backend=wasm`);
      await page.waitForFunction(() => window.kdDemo ?? window.kdDemoError, null, {
        timeout: 50_000,
      });
      const error = await page.evaluate(() => window.kdDemoError);
      assert.equal(error, undefined, error);
      assert.equal(await page.evaluate(() => window.kdDemo!.backend), 'wasm');
      const shown = await page.evaluate(() => window.kdDemo!.results.length);
      assert.equal(shown, demo.samples.length, 'every sample image was run on load');

      const node = await loadDetector(fileIOHandler(join(demo.out, 'model')));
      try {
        let compared = 0;
        for (const name of demo.samples) {
          // minScore 0: every detection the network keeps, not only the drawn ones.
          const web: PageResult = await page.evaluate(
            (u) => window.kdDemo!.detectUrl(u, 0),
            `samples/${name}`,
          );
          const img = await decodeImageFile(join(demo.out, 'samples', name));
          if (E.isLeft(img)) throw new Error(img.left);
          const ours = await node.detect(img.right, { minScore: 0 });
          assert.deepEqual(web.labels, Array.from(ours.labels), `${name}: classes`);
          assert.deepEqual(web.classNames, ours.classNames);
          web.boxes.forEach((b, i) =>
            assert.ok(
              Math.abs(b - ours.boxes[i]!) <= 1e-3,
              `${name} box value ${i}: ${b} vs ${ours.boxes[i]}`,
            ),
          );
          web.scores.forEach((s, i) =>
            assert.ok(
              Math.abs(s - ours.scores[i]!) <= 1e-3,
              `${name} score ${i}: ${s} vs ${ours.scores[i]}`,
            ),
          );
          compared += web.scores.length;
        }
        assert.ok(compared > 0, 'the student detects something on the bundled images');
      } finally {
        node.dispose();
      }
    } finally {
      await browser.close();
      server.close();
    }
  });
});
