import type { TopLevelSpec } from 'vega-lite';
import type { ModelReport, RunReport } from './reportData.js';

/** Tableau 10: one colour per model or run, the same in every chart of a report. */
const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#e15759',
  '#76b7b2',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

/** The colour scale shared by the charts: `labels` in order, cycling through the palette. */
export function seriesColours(labels: readonly string[]): { domain: string[]; range: string[] } {
  const domain = [...new Set(labels)];
  return { domain, range: domain.map((_, i) => PALETTE[i % PALETTE.length]!) };
}

/** The detector's own losses first, then the distillation terms (as @kd/losses names them). */
const COMPONENT_ORDER = [
  'total',
  'rpn_cls',
  'rpn_reg',
  'rcn_cls',
  'rcn_reg',
  'rpn_kd_cls',
  'rpn_kd_reg',
  'rcn_kd_cls',
  'rcn_kd_reg',
  'kd_cls',
  'kd_reg',
  'hint',
];

/** Steps are whole numbers. */
const STEP_AXIS = { format: 'd', tickMinStep: 1 } as const;

/** `colours` restricted to `labels` (same colour per label, legend without absent series). */
function restrict(colours: { domain: string[]; range: string[] }, labels: readonly string[]) {
  const keep = colours.domain.flatMap((d, i) => (labels.includes(d) ? [i] : []));
  return { domain: keep.map((i) => colours.domain[i]!), range: keep.map((i) => colours.range[i]!) };
}

const config = { font: 'sans-serif', view: { stroke: '#ddd' } } as const;

/**
 * Loss curves: one small chart per named loss component (`total` first), one colour per run; the
 * raw per-step values faint, a trailing moving average over ~1/30 of the run on top.
 */
export function lossChartSpec(
  runs: readonly RunReport[],
  colours = seriesColours(runs.map((r) => r.label)),
): TopLevelSpec {
  const values = runs.flatMap((r) => r.losses.map((p) => ({ run: r.label, ...p })));
  const rank = (c: string) =>
    COMPONENT_ORDER.includes(c) ? COMPONENT_ORDER.indexOf(c) : COMPONENT_ORDER.length;
  const components = [...new Set(values.map((v) => v.component))].sort(
    (a, b) => rank(a) - rank(b) || a.localeCompare(b),
  );
  const columns = Math.min(5, Math.ceil(components.length / Math.ceil(components.length / 5)));
  const maxStep = Math.max(1, ...values.map((v) => v.step));
  const window = Math.max(1, Math.round(maxStep / 30));
  const x = { field: 'step', type: 'quantitative', title: 'step', axis: STEP_AXIS } as const;
  const color = {
    field: 'run',
    type: 'nominal',
    title: 'run',
    scale: restrict(
      colours,
      runs.map((r) => r.label),
    ),
  } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    facet: { field: 'component', type: 'nominal', title: null, sort: components },
    columns,
    spec: {
      width: 150,
      height: 110,
      layer: [
        {
          mark: { type: 'line', opacity: 0.25, strokeWidth: 1 },
          encoding: { x, y: { field: 'value', type: 'quantitative', title: 'loss' }, color },
        },
        {
          transform: [
            {
              window: [{ op: 'mean', field: 'value', as: 'smoothed' }],
              frame: [-(window - 1), 0],
              groupby: ['run', 'component'],
              sort: [{ field: 'step' }],
            },
          ],
          mark: { type: 'line', strokeWidth: 2 },
          encoding: {
            x,
            y: { field: 'smoothed', type: 'quantitative', title: 'loss' },
            color,
          },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
    // Above the panels: to their right it would fall outside a narrow page.
    config: { ...config, legend: { orient: 'top', symbolOpacity: 1, symbolStrokeWidth: 2 } },
  };
}

/**
 * mAP over training: the evaluations each run logged (periodic and final), mAP@0.5 solid and
 * mAP@[.5:.95] dashed; the teacher's (a model that is no run here) as horizontal rules.
 */
export function mapChartSpec(
  runs: readonly RunReport[],
  references: readonly ModelReport[],
  colours = seriesColours([...references.map((m) => m.label), ...runs.map((r) => r.label)]),
): TopLevelSpec {
  const metric = (m: '50' | 'all') => (m === '50' ? 'mAP@0.5' : 'mAP@[.5:.95]');
  const values = runs.flatMap((r) =>
    r.evals.flatMap((e) => [
      { run: r.label, step: e.step, metric: metric('50'), value: e.mAP50 },
      { run: r.label, step: e.step, metric: metric('all'), value: e.mAP },
    ]),
  );
  const rules = references.flatMap((m) => [
    { run: m.label, metric: metric('50'), value: m.mAP50 },
    { run: m.label, metric: metric('all'), value: m.mAP },
  ]);
  const color = { field: 'run', type: 'nominal', title: 'model', scale: colours } as const;
  const x = {
    field: 'step',
    type: 'quantitative',
    title: 'step',
    axis: STEP_AXIS,
    scale: { domainMin: 0 },
  } as const;
  const strokeDash = {
    field: 'metric',
    type: 'nominal',
    title: 'metric',
    sort: [metric('50'), metric('all')],
    legend: { symbolType: 'stroke', symbolStrokeColor: '#444' },
  } as const;
  const y = {
    field: 'value',
    type: 'quantitative' as const,
    title: 'mAP',
    scale: { domain: [0, 1] },
    axis: { format: '.0%' },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config,
    width: 480,
    height: 260,
    layer: [
      {
        data: { values },
        mark: { type: 'line' },
        encoding: { x, y, color, strokeDash },
      },
      {
        // Points apart from the lines: one evaluation is a point, and the dash legend stays a line.
        data: { values },
        mark: { type: 'point', filled: true },
        encoding: {
          x,
          y,
          color,
          tooltip: [
            { field: 'run' },
            { field: 'step' },
            { field: 'metric' },
            { field: 'value', format: '.3f' },
          ],
        },
      },
      ...(rules.length
        ? [
            {
              data: { values: rules },
              mark: { type: 'rule' as const, opacity: 0.7 },
              encoding: { y, color, strokeDash },
            },
          ]
        : []),
    ],
  };
}

/** PR curves at IoU 0.5 (area all, 100 detections): one small chart per class, one colour per model. */
export function prChartSpec(
  models: readonly ModelReport[],
  classNames: readonly string[],
  colours = seriesColours(models.map((m) => m.label)),
): TopLevelSpec {
  const values = models.flatMap((m) =>
    classNames.flatMap(
      (c): { model: string; class: string; recall: number | null; precision: number | null }[] => {
        const points = (m.precision[c] ?? []).flatMap((p, r) =>
          p > -1 ? [{ model: m.label, class: c, recall: m.recall[r]!, precision: p }] : [],
        );
        // A class without ground truth keeps its (empty) panel: one row the line mark drops.
        return points.length
          ? points
          : [{ model: m.label, class: c, recall: null, precision: null }];
      },
    ),
  );
  const unit = { type: 'quantitative' as const, scale: { domain: [0, 1] } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config,
    data: { values },
    facet: { field: 'class', type: 'nominal', title: null, sort: [...classNames] },
    columns: 3,
    spec: {
      width: 200,
      height: 170,
      mark: { type: 'line', strokeWidth: 2 },
      encoding: {
        x: { field: 'recall', ...unit, title: 'recall' },
        y: { field: 'precision', ...unit, title: 'precision' },
        color: { field: 'model', type: 'nominal', title: 'model', scale: colours },
      },
    },
  };
}
