import { crdSchemasOfJson, type CrdSchema } from '../../core/schema/crd';
import type { KubeRest } from './rest';

/**
 * The schemas of every CustomResourceDefinition a cluster serves, read with one LIST (the API
 * server serves them whole; a few MB on a cluster with many operators).
 */
export async function readClusterCrdSchemas(rest: KubeRest): Promise<CrdSchema[]> {
  const list = await rest.request<{ items?: unknown[] }>(
    'GET',
    '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
    { what: 'list CustomResourceDefinitions', timeoutMs: 60_000 },
  );
  return (list.items ?? []).flatMap((crd) => crdSchemasOfJson(crd));
}
