import { type Command, Option } from 'commander';
import { commandPath } from '../commandPath.js';

/**
 * Keeps an old flag working as a hidden, deprecated alias of `target` (a flag of the same command
 * that takes a value): using it prints `kd <cmd>: --old is deprecated; use --new` on stderr and
 * sets `target`; giving both is a usage error. With `required`, a command without either flag is
 * a usage error naming `target` (commander's own mandatory check cannot see the alias).
 */
export function deprecatedAlias(
  cmd: Command,
  alias: string,
  target: string,
  required = false,
): Command {
  const targetOption = cmd.options.find((o) => o.long === target);
  if (!targetOption) throw new Error(`${commandPath(cmd)}: no option ${target} to alias`);
  const option = new Option(`${alias} <value>`).hideHelp();
  if (targetOption.parseArg) option.argParser(targetOption.parseArg);
  cmd.addOption(option);
  const key = targetOption.attributeName();
  return cmd.hook('preAction', (c) => {
    const old = c.getOptionValue(option.attributeName()) as unknown;
    if (old !== undefined) {
      process.stderr.write(`${commandPath(c)}: ${alias} is deprecated; use ${target}\n`);
      if (c.getOptionValueSource(key) === 'cli')
        c.error(`give ${target} or its old name ${alias}, not both`, {
          exitCode: 2,
          code: 'commander.conflictingOption',
        });
      c.setOptionValueWithSource(key, old, 'cli');
    }
    if (required && c.getOptionValue(key) === undefined)
      c.error(`required option '${targetOption.flags}' not specified`, {
        exitCode: 2,
        code: 'commander.missingMandatoryOptionValue',
      });
  });
}
