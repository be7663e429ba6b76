import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { RuleOptions, SeveritySetting } from '../rules/types';
import { editDistance } from '../text/edit-distance';

/** The project config file, found upwards from the linted path (like `.kube-linter.yaml`). */
export const PROJECT_CONFIG_FILES = ['.shipshape.yaml', '.shipshape.yml'] as const;

/** What `.shipshape.yaml` sets; every key is optional. */
export interface ProjectConfig {
  /** `rules: {<id>: error|warning|info|off}`. */
  readonly severities: Readonly<Record<string, SeveritySetting>>;
  /** `minReplicas`, `requireDigest`, `allowedRegistries`, `kubernetesVersion`. */
  readonly options: Partial<RuleOptions>;
  /** `exclude:` globs, relative to the config file's folder (`vendor/**`, `**\/generated/*.yaml`). */
  readonly exclude: readonly string[];
}

export interface ConfigError {
  /** 1-based. */
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

const SEVERITIES: readonly SeveritySetting[] = ['error', 'warning', 'info', 'off'];
const KEYS = ['rules', 'minReplicas', 'requireDigest', 'allowedRegistries', 'kubernetesVersion', 'exclude'];

/**
 * Parses and checks a project config. Errors carry the line and column of the offending node, so
 * the CLI and the editor can say "file:line:col: what is wrong"; a config with errors is not used.
 */
export function parseProjectConfig(
  text: string,
  ruleIds: ReadonlySet<string>,
): { config: ProjectConfig; errors: ConfigError[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const errors: ConfigError[] = [];
  const at = (node: Node | null | undefined, message: string, offset = 0) => {
    const pos = lines.linePos(node?.range?.[0] ?? offset);
    errors.push({ line: pos.line, column: pos.col, message });
  };
  for (const e of doc.errors) {
    const pos = lines.linePos(e.pos[0]);
    errors.push({ line: pos.line, column: pos.col, message: e.message.split('\n')[0] ?? e.message });
  }
  const severities: Record<string, SeveritySetting> = {};
  const options: { -readonly [K in keyof RuleOptions]?: RuleOptions[K] } = {};
  const exclude: string[] = [];
  const root = doc.contents;
  if (errors.length === 0 && root !== null && !isMap(root)) at(root, 'the config must be a mapping of keys');
  for (const pair of isMap(root) ? root.items : []) {
    const keyNode = pair.key as Node | null;
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    const value = pair.value as Node | null;
    if (!KEYS.includes(key)) {
      const near = closest(key, KEYS);
      at(
        keyNode,
        `unknown key "${key}"${near ? ` (did you mean "${near}"?)` : ''}; known: ${KEYS.join(', ')}`,
      );
      continue;
    }
    switch (key) {
      case 'rules':
        if (!isMap(value)) {
          at(value ?? keyNode, 'rules: a mapping of rule ID to error, warning, info or off');
          break;
        }
        for (const rule of value.items) {
          const idNode = rule.key as Node | null;
          const id = isScalar(idNode) ? String(idNode.value) : '';
          const setting = isScalar(rule.value) ? rule.value.value : undefined;
          if (!ruleIds.has(id)) {
            const near = closest(id, [...ruleIds]);
            at(
              idNode,
              `unknown rule ID "${id}"${near ? ` (did you mean "${near}"?)` : ''}; see docs/rules.md`,
            );
          } else if (setting === false || !SEVERITIES.includes(setting as SeveritySetting)) {
            // YAML 1.1 readers take a bare `off` for false; `off` is what is meant.
            if (setting === false) severities[id] = 'off';
            else at((rule.value as Node | null) ?? idNode, `rules.${id}: use error, warning, info or off`);
          } else severities[id] = setting as SeveritySetting;
        }
        break;
      case 'minReplicas': {
        const n = isScalar(value) ? value.value : undefined;
        if (typeof n === 'number' && Number.isInteger(n) && n >= 1) options.minReplicas = n;
        else at(value ?? keyNode, 'minReplicas: a whole number of at least 1');
        break;
      }
      case 'requireDigest': {
        const b = isScalar(value) ? value.value : undefined;
        if (typeof b === 'boolean') options.requireDigest = b;
        else at(value ?? keyNode, 'requireDigest: true or false');
        break;
      }
      case 'kubernetesVersion': {
        const v = isScalar(value) ? String(value.value) : '';
        if (/^1\.\d+$/.test(v) && !(isScalar(value) && typeof value.value === 'number' && v !== value.source))
          options.kubernetesVersion = v;
        else at(value ?? keyNode, 'kubernetesVersion: a quoted version such as "1.33"');
        break;
      }
      case 'allowedRegistries':
      case 'exclude': {
        const list = stringList(value);
        if (!list) at(value ?? keyNode, `${key}: a list of strings`);
        else if (key === 'exclude') exclude.push(...list);
        else options.allowedRegistries = list;
        break;
      }
    }
  }
  return { config: { severities, options, exclude }, errors };
}

function stringList(node: Node | null): string[] | undefined {
  if (!isSeq(node)) return undefined;
  const out: string[] = [];
  for (const item of node.items) {
    if (!isScalar(item) || typeof item.value !== 'string') return undefined;
    out.push(item.value);
  }
  return out;
}

/** The known word nearest to a misspelt one (edit distance ≤ a third of its length). */
function closest(word: string, known: readonly string[]): string | undefined {
  let best: { word: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(word.toLowerCase(), k.toLowerCase());
    if (
      d <= Math.max(1, Math.floor(k.length / 3)) &&
      (!best || d < best.d || (d === best.d && k < best.word))
    )
      best = { word: k, d };
  }
  return best?.word;
}

/** `exclude:` globs: `**` any folders, `*` and `?` within one path segment. */
export function globMatcher(globs: readonly string[]): (relativePath: string) => boolean {
  if (globs.length === 0) return () => false;
  const patterns = globs.map((g) => {
    let re = '';
    const glob = g.replace(/^\.\//, '').replace(/\/$/, '/**');
    for (let i = 0; i < glob.length; i++) {
      const c = glob[i] ?? '';
      if (c === '*' && glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else if (c === '*') re += '[^/]*';
      else if (c === '?') re += '[^/]';
      else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    // A pattern without a slash matches a name at any depth, like .gitignore.
    return new RegExp(glob.includes('/') ? `^${re}$` : `^(?:.*/)?${re}$`);
  });
  return (path) => {
    const p = path.replaceAll('\\', '/');
    return patterns.some((re) => re.test(p));
  };
}

/** The JSON schema of `.shipshape.yaml` (schemas/shipshape-config.schema.json), for completion. */
export function projectConfigSchema(ruleIds: readonly string[]): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Shipshape project config (.shipshape.yaml)',
    description:
      "Read by `shipshape lint` (found upwards from the linted path) and by the extension (the workspace folder's file). Generated by `npm run generate`.",
    type: 'object',
    additionalProperties: false,
    properties: {
      rules: {
        description: 'Severity per rule ID: error, warning, info or off (docs/rules.md).',
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(
          ruleIds.map((id) => [id, { enum: SEVERITIES, description: `docs/rules.md#${id}` }]),
        ),
      },
      minReplicas: {
        type: 'integer',
        minimum: 1,
        description: 'What `min-replicas` asks of Deployments and StatefulSets (default 2).',
      },
      requireDigest: { type: 'boolean', description: '`image-tag-pinned` also asks for an @sha256 digest.' },
      allowedRegistries: {
        type: 'array',
        items: { type: 'string' },
        description: '`allowed-registries`: image prefixes that may be used (empty: any).',
      },
      kubernetesVersion: {
        type: 'string',
        pattern: '^1\\.\\d+$',
        description: 'Target version for `deprecated-api-version`, e.g. "1.33".',
      },
      exclude: {
        type: 'array',
        items: { type: 'string' },
        description:
          "Globs of files not to lint, relative to this file's folder (`vendor/**`, `*.generated.yaml`).",
      },
    },
  };
}

/**
 * The editor's merge: a setting the user set in VS Code (user, workspace or folder settings) wins
 * over `.shipshape.yaml`, which wins over the settings' defaults. `explicit` names the option keys
 * set in VS Code; `severities` holds only explicit `shipshape.rules.<id>` values already.
 */
export function mergeProjectConfig(
  settings: { readonly options: RuleOptions; readonly severities: Readonly<Record<string, SeveritySetting>> },
  project: ProjectConfig | undefined,
  explicit: ReadonlySet<keyof RuleOptions>,
): { options: RuleOptions; severities: Readonly<Record<string, SeveritySetting>> } {
  if (!project) return { options: settings.options, severities: settings.severities };
  const options: { -readonly [K in keyof RuleOptions]: RuleOptions[K] } = { ...settings.options };
  for (const [key, value] of Object.entries(project.options) as [keyof RuleOptions, never][])
    if (!explicit.has(key)) options[key] = value;
  return { options, severities: { ...project.severities, ...settings.severities } };
}
