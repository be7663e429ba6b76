import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  PROJECT_CONFIG_FILES,
  parseProjectConfig,
  type ConfigError,
  type ProjectConfig,
} from '../../core/config/project-config';

export interface LoadedProjectConfig {
  readonly file: string;
  readonly config: ProjectConfig;
  readonly errors: readonly ConfigError[];
}

/** The nearest `.shipshape.yaml` (or `.yml`) in `start`'s folder or above it. */
export function findProjectConfig(start: string): string | undefined {
  const path = resolve(start);
  let dir = existsSync(path) && statSync(path).isDirectory() ? path : dirname(path);
  for (;;) {
    for (const name of PROJECT_CONFIG_FILES) {
      const file = join(dir, name);
      if (existsSync(file)) return file;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function loadProjectConfig(file: string, ruleIds: ReadonlySet<string>): LoadedProjectConfig {
  return { file, ...parseProjectConfig(readFileSync(file, 'utf8'), ruleIds) };
}
