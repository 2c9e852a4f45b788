import type { Command } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import { failCommand } from '../failCommand.js';
import { PRESET_NAMES, presetConfig, presetDescription } from './presets.js';

/**
 * `kd presets [NAME]`: lists the built-in run configs, or prints one as JSON, the starting point
 * of a user's own config file (`kd presets voc07-vgg16-to-alexnet > my.json`, edit the paths,
 * `kd distill --config my.json`).
 */
export function registerPresets(program: Command): void {
  program
    .command('presets')
    .description('list the built-in run configs, or print one as JSON to start your own')
    .argument('[name]', 'a preset to print as JSON')
    .action((name: string | undefined) => {
      if (name === undefined) {
        const width = Math.max(...PRESET_NAMES.map((n) => n.length));
        const lines = PRESET_NAMES.map((n) => `${n.padEnd(width)}  ${presetDescription(n)}`);
        process.stdout.write(
          `${lines.join('\n')}\n\nkd presets NAME prints one as JSON; kd train|distill --preset NAME runs it.\n`,
        );
        return;
      }
      const r = presetConfig(name);
      if (E.isLeft(r)) failCommand('presets', r.left);
      process.stdout.write(`${JSON.stringify(r.right, null, 2)}\n`);
    });
}
