import { Command, CommanderError } from 'commander';
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

/** Runs `kd` with `argv` (without node and script); returns the exit status. */
export async function runKd(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    process.stderr.write(`kd: ${message}\n`);
    return 1;
  }
}
