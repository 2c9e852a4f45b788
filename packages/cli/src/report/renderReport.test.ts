import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pngDataUri } from './pngDataUri.js';
import { renderReport } from './renderReport.js';
import type { ModelReport, ReportData, RunReport } from './reportData.js';

const recall = Array.from({ length: 101 }, (_, r) => r / 100);
const model = (label: string, mAP50: number, mAP: number): ModelReport => ({
  label,
  checkpoint: `runs/${label}/checkpoints/ckpt-000010`,
  mAP50,
  mAP,
  testImages: 4,
  recall,
  precision: {
    circle: recall.map((r) => (r <= mAP50 ? 1 : 0)),
    // No ground truth for this class: every point undefined.
    square: recall.map(() => -1),
  },
});
const run = (
  label: string,
  components: readonly string[],
  evalSteps: readonly number[],
): RunReport => ({
  label,
  folder: `runs/${label}`,
  config: { name: label, note: '<script>alert(1)</script>' },
  losses: Array.from({ length: 10 }, (_, s) =>
    ['total', ...components].map((component, c) => ({
      step: s + 1,
      component,
      value: (c + 1) / (s + 1),
    })),
  ).flat(),
  evals: evalSteps.map((step) => ({ step, mAP50: step / 20, mAP: step / 40 })),
});
const image = {
  data: new Uint8Array(8 * 6 * 3).fill(200),
  width: 8,
  height: 6,
  channels: 3,
} as const;

const data: ReportData = {
  title: 'kd report: demo <1>',
  runDir: 'runs/demo',
  generatedAt: '2026-11-28T04:00:00.000Z',
  classes: [
    { name: 'circle', colour: 'rgb(230,25,75)' },
    { name: 'square', colour: 'rgb(60,180,75)' },
  ],
  runs: [
    run('student baseline', ['rpn_cls', 'rcn_reg'], [5, 10]),
    run('distilled student', ['rpn_cls', 'rcn_reg', 'hint'], [5, 10]),
  ],
  models: [
    model('teacher', 0.6, 0.35),
    model('student baseline', 0.2, 0.1),
    model('distilled student', 0.3125, 0.15),
  ],
  samples: ['000801', '000802'].map((id) => ({
    id,
    panels: ['teacher', 'student baseline', 'distilled student'].map((label, i) => ({
      label,
      png: pngDataUri(image),
      detections: i,
    })),
  })),
  scoreThreshold: 0.5,
  notes: [],
};

/** The text of every `<text>` element of an inline SVG. */
const svgTexts = (html: string, id: string): string[] => {
  const figure = html.match(new RegExp(`<figure id="${id}">([\\s\\S]*?)</figure>`))?.[1];
  assert.ok(figure, `figure #${id} missing`);
  assert.match(figure, /^<svg[^>]*>/);
  return [...figure.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
};

describe('renderReport', () => {
  test('one page: the scores table, three inline SVG charts, the samples and the configs', async () => {
    const html = await renderReport(data);
    assert.match(html, /^<!DOCTYPE html>/);
    const rows = [
      ...html.matchAll(
        /<tr><td>([^<]*)<\/td><td class="num">([^<]*)<\/td><td class="num">([^<]*)<\/td>/g,
      ),
    ];
    assert.deepEqual(
      rows.map((m) => [m[1], m[2], m[3]]),
      [
        ['teacher', '60.0', '35.0'],
        ['student baseline', '20.0', '10.0'],
        ['distilled student', '31.3', '15.0'],
      ],
    );
    // Loss curves: one panel per component (total first), named as in metrics.jsonl.
    const loss = svgTexts(html, 'losses');
    for (const c of ['total', 'rpn_cls', 'rcn_reg', 'hint'])
      assert.ok(loss.includes(c), `no panel '${c}'`);
    assert.ok(loss.includes('student baseline') && loss.includes('distilled student'));
    // mAP over time, with the teacher (no run here) as a reference.
    assert.ok(svgTexts(html, 'map').includes('teacher'));
    assert.match(html, /horizontal rules: teacher/);
    // PR curves: one panel per class; a class without ground truth has an empty panel.
    const pr = svgTexts(html, 'pr');
    assert.ok(pr.includes('circle') && pr.includes('square'));
    assert.equal(
      [...html.matchAll(/<img src="data:image\/png;base64,[A-Za-z0-9+/=]+"/g)].length,
      6,
    );
    assert.match(html, /000802: 2 detections/);
    assert.match(html, /000801: 1 detection</);
  });

  test('self-contained and escaped: no URL, no script, user text as text', async () => {
    const html = await renderReport(data);
    assert.doesNotMatch(html, /https?:\/\//);
    assert.doesNotMatch(html, /<script/i);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /<title>kd report: demo &lt;1&gt;<\/title>/);
    assert.equal((html.match(/<details>/g) ?? []).length, 2);
  });

  test('pure: the same data gives the same page', async () => {
    assert.equal(await renderReport(data), await renderReport(data));
  });

  test('a run without evaluations or samples leaves those sections out', async () => {
    const html = await renderReport({
      ...data,
      runs: [{ ...data.runs[0]!, evals: [] }],
      models: [data.models[1]!],
      samples: [],
      notes: ['teacher checkpoint x not found'],
    });
    assert.doesNotMatch(html, /id="map"/);
    assert.doesNotMatch(html, /id="samples"/);
    assert.match(html, /id="losses"/);
    assert.match(html, /id="pr"/);
    assert.match(html, /<p class="note">teacher checkpoint x not found<\/p>/);
  });
});
