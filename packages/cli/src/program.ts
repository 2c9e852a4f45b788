import { Command, CommanderError } from 'commander';
import { commandPath } from './commandPath.js';
import { registerData } from './commands/data.js';
import { registerDemo } from './commands/demo.js';
import { registerEval } from './commands/eval.js';
import { registerExperiment } from './commands/experiment.js';
import { registerExport } from './commands/export.js';
import { registerInfo } from './commands/info.js';
import { registerPredict } from './commands/predict.js';
import { registerReport } from './commands/report.js';
import { registerSetupNative } from './commands/setupNative.js';
import { registerTrain } from './commands/train.js';
import { registerWebDemo } from './commands/webDemo.js';
import { registerPresets } from './presets/registerPresets.js';
import { kdVersion } from './version.js';

/** Builds the `kd` program; each command lives in its own module under commands/. */
export function buildProgram(): Command {
  const program = new Command('kd')
    .description(
      'Train efficient object detectors by knowledge distillation (Chen et al., NIPS 2017)',
    )
    .version(kdVersion())
    .showHelpAfterError()
    .exitOverride();
  registerInfo(program);
  registerSetupNative(program);
  registerTrain(program);
  registerDemo(program);
  registerPredict(program);
  registerExperiment(program);
  registerReport(program);
  registerEval(program);
  registerData(program);
  registerPresets(program);
  registerExport(program);
  registerWebDemo(program);
  return program;
}

/**
 * Exit statuses of `kd` (written down in the CLI README): 0 success, 1 a failure while running
 * (bad files, failed checks), 2 a usage error (unknown or missing flag, bad flag value), 130
 * interrupted by SIGINT.
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/** Gives every command the `kd <cmd>:` prefix on commander's own usage errors. */
function prefixUsageErrors(cmd: Command): void {
  cmd.configureOutput({
    outputError: (text, write) => write(`${commandPath(cmd)}: ${text.replace(/^error: /, '')}`),
  });
  for (const sub of cmd.commands) prefixUsageErrors(sub);
}

/** Runs `kd` with `argv` (without node and script); returns the exit status. */
export async function runKd(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  prefixUsageErrors(program);
  let running = 'kd';
  program.hook('preAction', (_root, action) => {
    running = commandPath(action);
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander reports --help and --version as errors too, with status 0.
      if (err.exitCode === 0) return EXIT.ok;
      // failCommand's errors carry their own status; commander's own are usage errors.
      return err.code.startsWith('commander.') ? EXIT.usage : err.exitCode;
    }
    const prefix = `${running}: `;
    const raw = err instanceof Error ? err.message : String(err);
    const message = raw.startsWith(prefix) ? raw.slice(prefix.length) : raw;
    const name = err instanceof Error && err.name !== 'Error' ? `${err.name}: ` : '';
    process.stderr.write(`${prefix}${name}${message}\n`);
    return EXIT.failure;
  }
}
