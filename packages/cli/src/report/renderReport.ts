import { lossChartSpec, mapChartSpec, prChartSpec, seriesColours } from './reportCharts.js';
import type { ReportData } from './reportData.js';
import { vegaLiteSvg } from './vegaLiteSvg.js';

const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const pct = (v: number): string => (v < 0 ? '—' : (100 * v).toFixed(1));

const STYLE = `
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
.meta,.note{color:#555;font-size:.9rem}.note{background:#fff6dd;padding:.4rem .6rem}
table{border-collapse:collapse}th,td{padding:.3rem .7rem;border-bottom:1px solid #ddd;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1rem 0;overflow-x:auto}figure svg{display:block}
.samples td{vertical-align:top;text-align:center;border:none}
.samples img{image-rendering:pixelated;width:192px;border:1px solid #ccc}
.legend span{display:inline-block;margin-right:1rem}.legend i{display:inline-block;width:.9rem;height:.9rem;margin-right:.3rem;vertical-align:middle}
pre{background:#f6f6f6;padding:.6rem;overflow-x:auto;font-size:.8rem}details{margin:.4rem 0}`;

/**
 * The report as one self-contained HTML page: charts as inline SVG (Vega-Lite, rendered here),
 * images as PNG data URIs, no script and no URL. Pure: the same data gives the same page.
 */
export async function renderReport(data: ReportData): Promise<string> {
  const colours = seriesColours([
    ...data.models.map((m) => m.label),
    ...data.runs.map((r) => r.label),
  ]);
  const runLabels = new Set(data.runs.map((r) => r.label));
  const figure = (id: string, caption: string, svg: string) =>
    `<figure id="${id}">${svg}<figcaption class="meta">${caption}</figcaption></figure>`;
  const sections: string[] = [];

  sections.push(
    `<h2>Scores</h2><table id="scores"><thead><tr><th>model</th><th>mAP@0.5</th><th>mAP@[.5:.95]</th><th>checkpoint</th></tr></thead><tbody>${data.models
      .map(
        (m) =>
          `<tr><td>${escapeHtml(m.label)}</td><td class="num">${pct(m.mAP50)}</td><td class="num">${pct(m.mAP)}</td><td class="meta">${escapeHtml(m.checkpoint)}</td></tr>`,
      )
      .join(
        '',
      )}</tbody></table><p class="meta">COCO evaluation (@kd/eval, pycocotools-equivalent) of each checkpoint on the ${data.models[0]?.testImages ?? 0} test images, in %.</p>`,
  );

  if (data.runs.some((r) => r.losses.length > 0)) {
    sections.push(
      `<h2>Loss curves</h2>${figure(
        'losses',
        'Training loss per named component (weighted as in the objective; <code>total</code> is their sum): per-step values faint, moving average bold.',
        await vegaLiteSvg(lossChartSpec(data.runs, colours)),
      )}`,
    );
  }
  if (data.runs.some((r) => r.evals.length > 0)) {
    const references = data.models.filter((m) => !runLabels.has(m.label));
    sections.push(
      `<h2>mAP during training</h2>${figure(
        'map',
        `Test-split mAP at each evaluation a run logged (periodic and final): mAP@0.5 solid, mAP@[.5:.95] dashed${references.length ? `; horizontal rules: ${references.map((m) => escapeHtml(m.label)).join(', ')}` : ''}.`,
        await vegaLiteSvg(mapChartSpec(data.runs, references, colours)),
      )}`,
    );
  }
  if (data.models.length > 0) {
    sections.push(
      `<h2>Precision–recall per class</h2>${figure(
        'pr',
        'Interpolated precision at the 101 COCO recall thresholds, IoU 0.5, all areas, up to 100 detections per image.',
        await vegaLiteSvg(
          prChartSpec(
            data.models,
            data.classes.map((c) => c.name),
            colours,
          ),
        ),
      )}`,
    );
  }
  if (data.samples.length > 0) {
    const legend = data.classes
      .map(
        (c) =>
          `<span><i style="background:${escapeHtml(c.colour)}"></i>${escapeHtml(c.name)}</span>`,
      )
      .join('');
    const head = data.samples[0]!.panels.map((p) => `<th>${escapeHtml(p.label)}</th>`).join('');
    const rows = data.samples
      .map(
        (s) =>
          `<tr>${s.panels
            .map(
              (p) =>
                `<td><img src="${p.png}" alt="${escapeHtml(`${s.id}: ${p.label}`)}"><br><span class="meta">${escapeHtml(s.id)}: ${p.detections} detection${p.detections === 1 ? '' : 's'}</span></td>`,
            )
            .join('')}</tr>`,
      )
      .join('');
    sections.push(
      `<h2>Sample test images</h2><p class="legend">${legend}</p><p class="meta">Detections with score ≥ ${data.scoreThreshold}, boxes in the class colour.</p><table class="samples" id="samples"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`,
    );
  }
  sections.push(
    `<h2>Configurations</h2>${data.runs
      .map(
        (r) =>
          `<details><summary>${escapeHtml(r.label)} — ${escapeHtml(r.folder)}/config.json</summary><pre>${escapeHtml(JSON.stringify(r.config, null, 2))}</pre></details>`,
      )
      .join('')}`,
  );

  const notes = data.notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(data.title)}</h1><p class="meta">${escapeHtml(data.runDir)} · generated ${escapeHtml(data.generatedAt)}</p>${notes}
${sections.join('\n')}
</body></html>
`;
}
