import * as E from 'fp-ts/lib/Either.js';
import type { RunConfig } from '../runConfig.js';
import { presetConfig } from './presets.js';

/**
 * A built-in run config by name, for scripts that treat an unknown name as a programming error:
 * `presetConfig` without the Either. Throws an Error whose message lists the preset names.
 *
 * @example
 *   const teacher = requirePreset('voc07-vgg16-teacher');
 *   await runTraining({ config: teacher, runDir: 'runs/teacher' });
 */
export function requirePreset(name: string): RunConfig {
  const r = presetConfig(name);
  if (E.isLeft(r)) throw new Error(r.left);
  return r.right;
}
