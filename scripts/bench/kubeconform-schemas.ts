/**
 * kubeconform's JSON schemas, offline: it downloads them at run time unless given a copy, and
 * the bench has no internet. They are derived from the OpenAPI v2 document of our own
 * kube-apiserver build (the test harness starts it; a few seconds) in the layout kubeconform
 * reads (`{{ .ResourceKind }}{{ .KindSuffix }}.json`, e.g. deployment-apps-v1.json, each a $ref
 * into _definitions.json), as yannh/kubernetes-json-schema's openapi2jsonschema writes them:
 * int-or-string becomes "string or integer", a Quantity "string or number". Cached per
 * control-plane build; KUBECONFORM_SCHEMA_LOCATION overrides it.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeRest } from '../../src/adapters/k8s/rest';
import { silentLogger } from '../../src/core/log';
import { ensureTool } from '../harness/paths';
import { startTestCluster } from '../harness/testcluster';

type Schema = Record<string, unknown>;
type Gvk = { group: string; version: string; kind: string };

const LOOSE: Record<string, Schema> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { oneOf: [{ type: 'string' }, { type: 'integer' }] },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { oneOf: [{ type: 'string' }, { type: 'number' }] },
};

/** The schema-location template for kubeconform, building the schemas once. */
export async function kubeconformSchemas(cacheDir: string): Promise<string> {
  const given = process.env['KUBECONFORM_SCHEMA_LOCATION'];
  if (given) return given;
  const root = join(cacheDir, 'kubeconform-schemas');
  // One set per control-plane build (its folder is named by its source hash).
  const done = join(root, basename(dirname(ensureTool('ensure-testcluster.mjs'))));
  if (!existsSync(join(done, '_definitions.json'))) {
    const cluster = await startTestCluster();
    try {
      const kc = new KubeConfig();
      kc.loadFromFile(cluster.kubeconfig);
      const openapi = await new KubeRest(kc, silentLogger).request<{ definitions: Record<string, Schema> }>(
        'GET',
        '/openapi/v2',
        { what: 'read the OpenAPI v2 document', timeoutMs: 60_000 },
      );
      const work = join(root, `work-${process.pid}`);
      mkdirSync(work, { recursive: true });
      writeSchemas(work, openapi.definitions);
      rmSync(done, { recursive: true, force: true });
      renameSync(work, done);
    } finally {
      await cluster.stop();
    }
  }
  return join(done, '{{ .ResourceKind }}{{ .KindSuffix }}.json');
}

function writeSchemas(dir: string, definitions: Record<string, Schema>): void {
  const loosened: Record<string, Schema> = {};
  for (const [name, schema] of Object.entries(definitions))
    loosened[name] = LOOSE[name] ?? (withoutFormats(schema) as Schema);
  writeFileSync(join(dir, '_definitions.json'), JSON.stringify({ definitions: loosened }));
  for (const [name, schema] of Object.entries(definitions))
    for (const gvk of (schema['x-kubernetes-group-version-kind'] as Gvk[] | undefined) ?? []) {
      // kubeconform's KindSuffix: "-" + the group's first label (none for core) + "-" + version.
      const group = gvk.group.split('.')[0]?.toLowerCase() ?? '';
      const suffix = `${group ? `-${group}` : ''}-${gvk.version.toLowerCase()}`;
      writeFileSync(
        join(dir, `${gvk.kind.toLowerCase()}${suffix}.json`),
        JSON.stringify({ $ref: `_definitions.json#/definitions/${name}` }),
      );
    }
}

/** Refs made relative to _definitions.json; OpenAPI's custom formats dropped (not JSON Schema's). */
function withoutFormats(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutFormats);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'format' && typeof inner === 'string') continue;
    out[key] = withoutFormats(inner);
  }
  return out;
}
