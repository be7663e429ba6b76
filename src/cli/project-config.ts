import { dirname, relative, resolve } from 'node:path';
import {
  findProjectConfig,
  loadProjectConfig,
  type LoadedProjectConfig,
} from '../adapters/fs/project-config';
import { globMatcher, type ProjectConfig } from '../core/config/project-config';
import { rulesById } from '../core/rules/registry';
import type { LintConfig } from './analyse';
import { InputError } from './args';

/**
 * The `.shipshape.yaml` nearest to the first linted path (its folder or above). A config with
 * errors stops the run (exit 2) with `file:line:col: message` for each: silently linting with
 * half a config would report things the team turned off.
 */
export function projectConfigFor(
  start: string,
  verbose: boolean,
  err: (s: string) => void,
): LoadedProjectConfig | undefined {
  const file = findProjectConfig(start);
  if (!file) return undefined;
  const loaded = loadProjectConfig(file, new Set(rulesById.keys()));
  if (loaded.errors.length > 0)
    throw new InputError(
      `invalid project config:\n${loaded.errors.map((e) => `${file}:${e.line}:${e.column}: ${e.message}`).join('\n')}`,
    );
  if (verbose) err(`shipshape lint: using ${file}\n`);
  return loaded;
}

/** Command-line options win over the project file, which wins over the defaults. */
export function withProjectConfig(cli: LintConfig, project: ProjectConfig | undefined): LintConfig {
  if (!project) return cli;
  const included = new Set(cli.include ?? []);
  // `--include x` turns x on even when the project file has it off.
  const severities = Object.fromEntries(
    Object.entries(project.severities).filter(([id, s]) => !(s === 'off' && included.has(id))),
  );
  return {
    ...cli,
    severities: { ...severities, ...cli.severities },
    options: { ...project.options, ...cli.options },
  };
}

/** Files the project's `exclude:` globs leave out (paths relative to the config file's folder). */
export function projectExcludes(project: LoadedProjectConfig): (file: string) => boolean {
  const matches = globMatcher(project.config.exclude);
  const root = dirname(project.file);
  return (file) => {
    const rel = relative(root, resolve(file));
    return !rel.startsWith('..') && matches(rel);
  };
}
