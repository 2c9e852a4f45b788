import type { ProgressEvent, TrainingHooks } from '@kd/distill';
import { createProgress, type Progress } from './progress.js';

/**
 * `runTraining`'s hooks as the CLI shows them on stderr: log lines (always: they carry the
 * dataset's problems and the resume notes, and stdout stays clean for `--json`), and a progress
 * display per stage (generating, preparing, training steps, evaluating) unless `quiet`.
 */
export function printedHooks(
  title: string,
  quiet = false,
): Required<Pick<TrainingHooks, 'onLog' | 'onProgress'>> & { stop(): void } {
  let current: { stage: ProgressEvent['stage']; bar: Progress } | undefined;
  const stop = () => {
    current?.bar.stop();
    current = undefined;
  };
  return {
    onLog(line) {
      process.stderr.write(`${line}\n`);
    },
    onProgress(e) {
      if (quiet) return;
      if (current?.stage !== e.stage) {
        stop();
        const name = e.stage === 'train' ? title : `${title}: ${e.stage}`;
        current = { stage: e.stage, bar: createProgress(name, e.total) };
      }
      current.bar.update(e.done, e.info);
      if (e.stage !== 'train' && e.done >= e.total) stop();
    },
    stop,
  };
}
