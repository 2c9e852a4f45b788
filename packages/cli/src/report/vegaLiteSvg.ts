import type * as Vega from 'vega';
import type * as VegaLite from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { importOptional } from '../optionalDependency.js';

/**
 * Renders a Vega-Lite spec to an SVG string in Node, headless (no canvas: Vega estimates text
 * widths). The root's namespace attributes are dropped: inline `<svg>` in HTML needs none, and
 * the report then holds no URL at all.
 */
export async function vegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  // Optional peer dependencies: imported when a chart is drawn, with an install hint if missing.
  const vega = await importOptional<typeof Vega>('vega');
  const { compile } = await importOptional<typeof VegaLite>('vega-lite');
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return svg.replace(
      /^<svg([^>]*)>/,
      (_, attrs: string) => `<svg${attrs.replace(/\s+xmlns(:xlink)?="[^"]*"/g, '')}>`,
    );
  } finally {
    view.finalize();
  }
}
