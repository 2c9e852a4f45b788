import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { type CollectReportOptions, collectReport } from './collectReport.js';
import { renderReport } from './renderReport.js';

/**
 * Reads `runDir` (a run or a folder of runs), evaluates its models and writes the self-contained
 * HTML report to `out` (default `<runDir>/report.html`). Left: a file that failed validation.
 * @returns the path written
 */
export async function writeReport(
  runDir: string,
  out: string = join(runDir, 'report.html'),
  options: CollectReportOptions = {},
): Promise<E.Either<string, string>> {
  const data = await collectReport(runDir, options);
  if (E.isLeft(data)) return data;
  const html = await renderReport(data.right);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, html);
  return E.right(out);
}
