/**
 * `node --import tsx scripts/gen-schema.ts`: derives src/core/schema/kubernetes-<minor>.json from
 * the OpenAPI v2 document of the real API server (our own kube-apiserver build, started by the
 * test harness; the binary is cached, start takes a few seconds).
 *
 * Only what validation needs is kept, in a compact form read by src/core/schema/validate.ts:
 * `kinds` maps "group/version/Kind" (from `x-kubernetes-group-version-kind`) to a definition
 * index; `defs[i]` is a node with
 *   t  type: s string, i integer, n number, b boolean, o object, a array,
 *      is int-or-string, q quantity (string in the grammar, or a number), any (preserve-unknown)
 *   r  index of a referenced definition      i  items (arrays)
 *   p  properties                            a  additionalProperties (1 = anything)
 *   q  required property names               e  enum values
 * The output is formatted with the repository's prettier config so `prettier --check` stays
 * clean; it is well under the 600 KB budget (the script prints the size).
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import * as prettier from 'prettier';
import { KubeRest } from '../src/adapters/k8s/rest';
import { silentLogger } from '../src/core/log';
import { repoRoot } from './harness/paths';
import { startTestCluster } from './harness/testcluster';

interface OpenApiSchema {
  type?: string;
  format?: string;
  $ref?: string;
  enum?: unknown[];
  items?: OpenApiSchema;
  properties?: Record<string, OpenApiSchema>;
  additionalProperties?: OpenApiSchema | boolean;
  required?: string[];
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
}

interface Compact {
  t?: string;
  r?: number;
  i?: Compact;
  p?: Record<string, Compact>;
  a?: Compact | 1;
  q?: string[];
  e?: string[];
}

const TYPE_CODES: Record<string, string> = {
  string: 's',
  integer: 'i',
  number: 'n',
  boolean: 'b',
  object: 'o',
  array: 'a',
};

/** Definitions whose JSON form differs from their OpenAPI declaration. */
const SPECIAL: Record<string, Compact> = {
  // Declared as a string with a custom format; the decoder also accepts JSON numbers.
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { t: 'q' },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { t: 'is' },
};

export function compactSchema(definitions: Record<string, OpenApiSchema>): {
  kinds: Record<string, number>;
  defs: Compact[];
} {
  const names = Object.keys(definitions).sort();
  const index = new Map(names.map((n, i) => [n, i]));
  const compact = (s: OpenApiSchema): Compact => {
    if (s.$ref) {
      const target = index.get(s.$ref.replace('#/definitions/', ''));
      if (target === undefined) throw new Error(`dangling $ref ${s.$ref}`);
      return { r: target };
    }
    const out: Compact = {};
    if (s['x-kubernetes-preserve-unknown-fields']) return { t: 'any' };
    if (s['x-kubernetes-int-or-string'] || s.format === 'int-or-string') out.t = 'is';
    else if (s.type) out.t = TYPE_CODES[s.type] ?? 'any';
    if (s.enum?.length) out.e = s.enum.map(String);
    if (s.items) out.i = compact(s.items);
    if (s.properties)
      out.p = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, compact(v)]));
    if (s.additionalProperties) out.a = s.additionalProperties === true ? 1 : compact(s.additionalProperties);
    if (s.required?.length) out.q = s.required;
    return out;
  };
  const defs = names.map((n) => SPECIAL[n] ?? compact(definitions[n] ?? {}));
  const kinds: Record<string, number> = {};
  for (const [i, n] of names.entries()) {
    for (const gvk of definitions[n]?.['x-kubernetes-group-version-kind'] ?? []) {
      kinds[`${gvk.group ? `${gvk.group}/` : ''}${gvk.version}/${gvk.kind}`] = i;
    }
  }
  return { kinds, defs };
}

async function main(): Promise<void> {
  const cluster = await startTestCluster();
  try {
    const kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    const rest = new KubeRest(kc, silentLogger);
    const version = await rest.request<{ gitVersion: string; major: string; minor: string }>(
      'GET',
      '/version',
      { what: 'read the server version' },
    );
    const openapi = await rest.request<{ definitions: Record<string, OpenApiSchema> }>('GET', '/openapi/v2', {
      what: 'read the OpenAPI v2 document',
      timeoutMs: 60_000,
    });
    const { kinds, defs } = compactSchema(openapi.definitions);
    const minor = version.minor.replace(/\D+$/, '');
    const dir = join(repoRoot, 'src', 'core', 'schema');
    const out = join(dir, `kubernetes-${version.major}.${minor}.json`);
    const json = JSON.stringify({
      source: 'kube-apiserver /openapi/v2 (tools/testcluster), derived by scripts/gen-schema.ts',
      version: version.gitVersion,
      kinds,
      defs,
    });
    const config = (await prettier.resolveConfig(out)) ?? {};
    const text = await prettier.format(json, { ...config, filepath: out });
    // One schema at a time: the validator imports exactly this file.
    for (const old of readdirSync(dir)) {
      if (/^kubernetes(-[\d.]+)?\.json$/.test(old) && join(dir, old) !== out) rmSync(join(dir, old));
    }
    writeFileSync(out, text);
    process.stdout.write(
      `wrote ${out}: ${version.gitVersion}, ${Object.keys(kinds).length} kinds, ${defs.length} definitions, ` +
        `${(Buffer.byteLength(text) / 1024).toFixed(0)} KB (minified ${(Buffer.byteLength(json) / 1024).toFixed(0)} KB)\n` +
        `src/core/schema/validate.ts imports ./kubernetes-${version.major}.${minor}.json: update the import if the version changed.\n`,
    );
  } finally {
    await cluster.stop();
  }
}

if (process.argv[1]?.endsWith('gen-schema.ts')) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
