import assert from 'node:assert/strict';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { runTraining } from '@kd/distill';
import { testRunConfig, tinyDetector } from '@kd/distill/testing';
import { latestCheckpoint } from '@kd/faster-rcnn';
import { initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { collectReport } from './collectReport.js';
import { renderReport } from './renderReport.js';
import type { ReportData } from './reportData.js';
import { writeReport } from './writeReport.js';

const CHROMIUM = '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'kd-report-'));
const demo = join(dir, 'demo');
const detector = tinyDetector;
const dataset = { format: 'shapes', seed: 7, trainImages: 12, testImages: 4, imageSize: 48 };
const config = testRunConfig;
const scoresOf = (run: string) =>
  JSON.parse(readFileSync(join(demo, run, 'scores.json'), 'utf8')) as {
    mAP50: number;
    mAP: number;
    perClassAP50: Record<string, number>;
  };

let teacherCheckpoint = '';
let data: ReportData;

// A demo folder in miniature: a teacher trained elsewhere, a baseline and a distilled student of
// 4 steps each, evaluated at step 2 and at the end.
before(async () => {
  process.env.KD_CACHE_DIR = join(dir, 'cache');
  await initBackend({ backend: 'wasm' });
  const train = async (runDir: string, cfg: unknown) =>
    (await runTraining({ config: config(cfg), runDir })).model.dispose();
  await train(join(dir, 'teacher'), {
    dataset,
    model: { detector: detector(0.125, 1) },
    optim: { steps: 3, batchSize: 2, lr: 0.01 },
  });
  teacherCheckpoint = latestCheckpoint(join(dir, 'teacher', 'checkpoints'))!;
  const optim = { steps: 4, batchSize: 2, lr: 0.01, evalEvery: 2, seed: 1 };
  await train(join(demo, 'baseline'), { dataset, model: { detector: detector(0.0625, 2) }, optim });
  await train(join(demo, 'distilled'), {
    dataset,
    model: { detector: detector(0.0625, 2) },
    optim,
    distill: {
      teacher: teacherCheckpoint,
      hint: { teacherLayer: 'conv4_3', studentLayer: 'conv4_3' },
    },
  });
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('collectReport + renderReport on a demo folder', () => {
  test('teacher, baseline and distilled student, scored as the runs scored themselves', async () => {
    const tensors = tf.memory().numTensors;
    const r = await collectReport(demo, { generatedAt: 'now', samples: 3 });
    assert.ok(E.isRight(r), E.isLeft(r) ? r.left : '');
    data = r.right;
    assert.equal(tf.memory().numTensors, tensors, 'tensors leaked');
    assert.deepEqual(
      data.models.map((m) => [m.label, m.checkpoint]),
      [
        ['teacher', teacherCheckpoint],
        ['student baseline', latestCheckpoint(join(demo, 'baseline', 'checkpoints'))],
        ['distilled student', latestCheckpoint(join(demo, 'distilled', 'checkpoints'))],
      ],
    );
    for (const [i, run] of [
      [1, 'baseline'],
      [2, 'distilled'],
    ] as const) {
      const m = data.models[i]!;
      const s = scoresOf(run);
      // Same checkpoint weights, same evaluation path: the same numbers.
      assert.ok(Math.abs(m.mAP50 - s.mAP50) <= 1e-12, `${run} mAP50 ${m.mAP50} vs ${s.mAP50}`);
      assert.ok(Math.abs(m.mAP - s.mAP) <= 1e-12, `${run} mAP ${m.mAP} vs ${s.mAP}`);
      // Each class's AP@0.5 is the mean of its PR curve's defined points.
      for (const [name, ap] of Object.entries(s.perClassAP50)) {
        const defined = m.precision[name]!.filter((p) => p > -1);
        const mean = defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : -1;
        assert.ok(Math.abs(mean - ap) <= 1e-12, `${run} ${name}: ${mean} vs ${ap}`);
      }
      assert.equal(m.recall.length, 101);
    }
    assert.deepEqual(
      data.runs.map((run) => [run.label, run.evals.map((e) => e.step)]),
      [
        ['student baseline', [2, 4]],
        ['distilled student', [2, 4]],
      ],
    );
    const components = new Set(data.runs[1]!.losses.map((p) => p.component));
    for (const c of ['total', 'rpn_cls', 'rcn_reg', 'hint']) assert.ok(components.has(c), c);
    assert.equal(data.runs[1]!.losses.filter((p) => p.component === 'total').length, 4);
    assert.equal(data.samples.length, 3);
    assert.deepEqual(
      data.samples[0]!.panels.map((p) => p.label),
      ['teacher', 'student baseline', 'distilled student'],
    );
    assert.deepEqual(data.notes, []);
  });

  test('the HTML holds the three rows, the three charts and the images', async () => {
    const html = await renderReport(data);
    writeFileSync(join(demo, 'report.html'), html);
    const rows = [...html.matchAll(/<tr><td>([^<]*)<\/td><td class="num">/g)].map((m) => m[1]);
    assert.deepEqual(rows, ['teacher', 'student baseline', 'distilled student']);
    for (const id of ['losses', 'map', 'pr'])
      assert.match(html, new RegExp(`<figure id="${id}"><svg`));
    assert.equal((html.match(/<img src="data:image\/png;base64,/g) ?? []).length, 9);
    assert.doesNotMatch(html, /https?:\/\//);
  });

  test('in headless Chromium every figure renders, every image loads, no console error', async (t) => {
    if (!existsSync(CHROMIUM)) {
      t.skip('chromium not installed: apt-get install chromium');
      return;
    }
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
      await page.goto(pathToFileURL(join(demo, 'report.html')).href, { waitUntil: 'load' });
      const seen = await page.evaluate(() => {
        const figures = ['losses', 'map', 'pr'].map((id) => {
          const svg = document.querySelector(`#${id} > svg`);
          const box = svg?.getBoundingClientRect();
          // Drawn lines: path elements with a non-empty bounding box.
          const lines = Array.from(svg?.querySelectorAll('path') ?? []).filter((p) => {
            const b = (p as SVGGraphicsElement).getBBox();
            return b.width > 0 || b.height > 0;
          }).length;
          return { id, width: box?.width ?? 0, height: box?.height ?? 0, lines };
        });
        const images = Array.from(document.querySelectorAll('img')).map((i) => ({
          complete: i.complete,
          naturalWidth: i.naturalWidth,
          width: i.getBoundingClientRect().width,
        }));
        const rows = Array.from(document.querySelectorAll('#scores tbody tr')).map(
          (r) => r.querySelector('td')?.textContent,
        );
        return { figures, images, rows };
      });
      for (const f of seen.figures) {
        assert.ok(f.width > 100 && f.height > 100, `#${f.id} is ${f.width}×${f.height}`);
        assert.ok(f.lines > 0, `#${f.id} draws nothing`);
      }
      assert.equal(seen.images.length, 9);
      for (const img of seen.images)
        assert.ok(img.complete && img.naturalWidth > 0 && img.width > 0);
      assert.deepEqual(seen.rows, ['teacher', 'student baseline', 'distilled student']);
      const shot = join(dir, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      assert.ok(statSync(shot).size > 10_000);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
});

describe('writeReport', () => {
  test('a single run folder: that run alone, written to <run>/report.html by default', async () => {
    const run = join(demo, 'distilled');
    const r = await writeReport(run);
    assert.deepEqual(r, E.right(join(run, 'report.html')));
    const html = readFileSync(join(run, 'report.html'), 'utf8');
    const rows = [...html.matchAll(/<tr><td>([^<]*)<\/td><td class="num">/g)].map((m) => m[1]);
    assert.equal(rows.length, 1);
    assert.equal(rows[0], 'distilled');
  });

  test('a teacher that cannot be found is a note, not a failure', async () => {
    const copy = join(dir, 'moved');
    cpSync(join(demo, 'distilled'), join(copy, 'distilled'), { recursive: true });
    const cfgFile = join(copy, 'distilled', 'config.json');
    const cfg = JSON.parse(readFileSync(cfgFile, 'utf8'));
    cfg.distill.teacher = 'no/such/teacher';
    writeFileSync(cfgFile, JSON.stringify(cfg));
    const r = await collectReport(copy, { samples: 0 });
    assert.ok(E.isRight(r));
    assert.deepEqual(
      r.right.models.map((m) => m.label),
      ['distilled student'],
    );
    assert.match(
      r.right.notes[0]!,
      /teacher checkpoint no\/such\/teacher \(distill\.teacher\) not found/,
    );
  });

  test('a folder that holds no run, and an invalid metrics line, are errors naming the file', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const r = await writeReport(empty);
    assert.ok(E.isLeft(r));
    assert.match(
      r.left,
      /empty: not a run folder \(no config\.json\) and no sub-folder holds a run/,
    );
    const broken = join(dir, 'broken');
    cpSync(join(demo, 'baseline'), join(broken, 'baseline'), { recursive: true });
    writeFileSync(
      join(broken, 'baseline', 'metrics.jsonl'),
      '{"step":1,"loss":1}\n{"step":2,"loss":[]}\n',
    );
    const b = await writeReport(broken);
    assert.ok(E.isLeft(b));
    assert.match(
      b.left,
      /broken\/baseline\/metrics\.jsonl: line 2: invalid step line: at loss: expected/,
    );
    assert.equal(existsSync(join(broken, 'report.html')), false);
  });
});
