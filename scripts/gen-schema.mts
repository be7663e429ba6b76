/**
 * `node --import tsx scripts/gen-schema.ts`: derives src/core/schema/kubernetes.json from the real
 * API server's OpenAPI v2 document (our own build of kube-apiserver, started by the test harness).
 * Only what validation needs is kept: per definition, property types, refs, required lists,
 * int-or-string and preserve-unknown-fields markers, keyed by group/version/kind.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import * as https from 'node:https';
import { repoRoot } from './harness/paths';
import { startTestCluster } from './harness/testcluster';

interface OpenApiSchema {
  type?: string;
  format?: string;
  $ref?: string;
  items?: OpenApiSchema;
  properties?: Record<string, OpenApiSchema>;
  additionalProperties?: OpenApiSchema | boolean;
  required?: string[];
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
}

/** Compact node: t = type code, r = ref index, i = items, p = properties, a = additionalProperties, q = required. */
type Compact = {
  t?: string;
  r?: number;
  i?: Compact;
  p?: Record<string, Compact>;
  a?: Compact | 1;
  q?: string[];
};

async function fetchOpenApi(kubeconfig: string): Promise<{ definitions: Record<string, OpenApiSchema> }> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const opts: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  const url = new URL(`${kc.getCurrentCluster()?.server ?? ''}/openapi/v2`);
  return new Promise((resolve, reject) => {
    https
      .get(
        {
          ...opts,
          hostname: url.hostname,
          port: url.port,
          path: url.pathname,
          headers: { ...opts.headers, Accept: 'application/json' },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve(JSON.parse(body) as { definitions: Record<string, OpenApiSchema> }));
        },
      )
      .on('error', reject);
  });
}

const cluster = await startTestCluster();
try {
  const { definitions } = await fetchOpenApi(cluster.kubeconfig);
  const names = Object.keys(definitions).sort();
  const index = new Map(names.map((n, i) => [n, i]));
  const compact = (s: OpenApiSchema | undefined): Compact => {
    if (!s) return {};
    if (s.$ref) return { r: index.get(s.$ref.replace('#/definitions/', '')) ?? -1 };
    const out: Compact = {};
    if (s['x-kubernetes-int-or-string'] || s.format === 'int-or-string') out.t = 'is';
    else if (s['x-kubernetes-preserve-unknown-fields']) out.t = 'any';
    else if (s.type)
      out.t =
        s.type === 'integer'
          ? 'i'
          : s.type === 'number'
            ? 'n'
            : s.type === 'boolean'
              ? 'b'
              : s.type === 'string'
                ? 's'
                : s.type === 'array'
                  ? 'a'
                  : s.type === 'object'
                    ? 'o'
                    : s.type;
    if (s.items) out.i = compact(s.items);
    if (s.properties)
      out.p = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, compact(v)]));
    if (s.additionalProperties) out.a = s.additionalProperties === true ? 1 : compact(s.additionalProperties);
    if (s.required?.length) out.q = s.required;
    return out;
  };
  const defs = names.map((n) => compact(definitions[n]));
  const kinds: Record<string, number> = {};
  for (const n of names) {
    for (const gvk of definitions[n]?.['x-kubernetes-group-version-kind'] ?? []) {
      kinds[`${gvk.group ? `${gvk.group}/` : ''}${gvk.version}/${gvk.kind}`] = index.get(n) ?? -1;
    }
  }
  // Quantities are int-or-string in practice (the schema says string with a custom format).
  const quantity = index.get('io.k8s.apimachinery.pkg.api.resource.Quantity');
  if (quantity !== undefined) defs[quantity] = { t: 'is' };
  const out = join(repoRoot, 'src', 'core', 'schema', 'kubernetes.json');
  writeFileSync(
    out,
    JSON.stringify({ source: 'kube-apiserver /openapi/v2 (tools/testcluster)', kinds, defs }),
  );
  process.stdout.write(`wrote ${out}: ${Object.keys(kinds).length} kinds, ${names.length} definitions\n`);
} finally {
  await cluster.stop();
}
