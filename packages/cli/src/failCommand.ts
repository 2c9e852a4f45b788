import { CommanderError } from 'commander';

/**
 * Ends a command with exit status 1 after printing `kd <command>: <message>` on stderr. It throws
 * a CommanderError so that `runKd` returns the status without printing a second message.
 */
export function failCommand(command: string, message: string): never {
  process.stderr.write(`kd ${command}: ${message}\n`);
  throw new CommanderError(1, 'kd.commandFailed', message);
}

/**
 * Ends a command with exit status 2 (a usage error: a flag value or combination commander cannot
 * check by itself) after printing `kd <command>: <message>` on stderr.
 */
export function usageError(command: string, message: string): never {
  process.stderr.write(`kd ${command}: ${message}\n`);
  throw new CommanderError(2, 'kd.usage', message);
}

/**
 * Ends a command that stopped early on SIGINT (after it saved its state) with exit status 130,
 * the shell's convention for a process ended by Ctrl-C.
 */
export function interrupted(message: string): never {
  throw new CommanderError(130, 'kd.interrupted', message);
}
