/** A small, strict argument parser: unknown options are usage errors (exit 2), never ignored. */
export interface ParsedArgs {
  readonly positional: string[];
  readonly values: Map<string, string[]>;
  readonly flags: Set<string>;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * By name, not `instanceof`: the commands other than lint are a second bundle with its own copy of
 * the class (dist/cli-commands.js).
 */
export function isUsageError(error: unknown): error is UsageError {
  return error instanceof Error && error.name === 'UsageError';
}

/**
 * A file the command was given is wrong (an invalid runbook or project config): exit 2 like a
 * usage error, but the command's whole usage after it would bury the file's own messages.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
}

export function isInputError(error: unknown): error is InputError {
  return error instanceof Error && error.name === 'InputError';
}

export function parseArgs(
  argv: readonly string[],
  spec: { values: readonly string[]; flags: readonly string[] },
): ParsedArgs {
  const positional: string[] = [];
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (spec.flags.includes(name)) {
      if (eq > 0) throw new UsageError(`--${name} takes no value`);
      flags.add(name);
    } else if (spec.values.includes(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq < 0 && value.startsWith('--')))
        throw new UsageError(`--${name} needs a value`);
      // Comma lists and repeated options both work: --include a,b --include c
      values.set(name, [...(values.get(name) ?? []), ...value.split(',').filter(Boolean)]);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { positional, values, flags };
}

export function one(args: ParsedArgs, name: string, allowed?: readonly string[]): string | undefined {
  const list = args.values.get(name);
  if (!list) return undefined;
  const value = list[list.length - 1];
  if (value !== undefined && allowed && !allowed.includes(value))
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value;
}
