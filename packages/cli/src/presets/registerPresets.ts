import { PRESET_NAMES, presetConfig, presetDescription, presetNotes } from '@kd/distill';
import type { Command } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import { failCommand } from '../failCommand.js';
import { collectSet } from '../flags/configOverrides.js';
import { withOverrides } from '../flags/withOverrides.js';

/**
 * `kd presets [NAME]`: lists the built-in run configs, or prints one as JSON, the starting point
 * of a user's own config file (`kd presets voc07-vgg16-to-alexnet > my.json`, edit the paths,
 * `kd distill --config my.json`). The preset's notes go to stderr, so the redirected file holds
 * the config alone while the terminal shows where each unstated value comes from.
 */
export function registerPresets(program: Command): void {
  program
    .command('presets')
    .description(
      'list the built-in run configs, or print one as JSON (stdout) with its notes (stderr) to start your own',
    )
    .argument('[name]', 'a preset to print as JSON')
    .option(
      '--set <key=value>',
      'override a config value, validated like a file (repeatable): --set optim.lr=0.01',
      collectSet,
      [],
    )
    .action((name: string | undefined, opts: { readonly set: readonly string[] }) => {
      if (name === undefined) {
        const width = Math.max(...PRESET_NAMES.map((n) => n.length));
        const lines = PRESET_NAMES.map((n) => `${n.padEnd(width)}  ${presetDescription(n)}`);
        process.stdout.write(
          `${lines.join('\n')}\n\nkd presets NAME prints one as JSON; kd train|distill --preset NAME runs it.\n`,
        );
        return;
      }
      const r = withOverrides(presetConfig(name), opts.set, `preset ${name}`);
      if (E.isLeft(r)) failCommand('presets', r.left);
      process.stdout.write(`${JSON.stringify(r.right, null, 2)}\n`);
      const notes = presetNotes(name);
      if (notes.length > 0)
        process.stderr.write(
          `notes on ${name}:\n${notes.map(([path, note]) => `  ${path || '(all)'}: ${note}`).join('\n')}\n`,
        );
    });
}
