import type { YAMLMap } from 'yaml';
import { objectsOfDocument } from '../../manifest/objects';
import { crdSchemaFor, isCustomResource } from '../../schema/crd';
import { hasSchema, schemaVersion, validateObject, type SchemaIssueCode } from '../../schema/validate';
import type { ManifestFile } from '../../yaml/parse';
import type { Rule, RuleContext, Severity } from '../types';

/** What the API server does with each kind of issue (the second half of every message). */
const CONSEQUENCE: Record<SchemaIssueCode, string> = {
  'unknown-field': 'the API server rejects it (older clients drop the field silently)',
  'wrong-type': 'the API server cannot decode the object',
  'bad-quantity': 'the API server cannot decode the object',
  'bad-enum': 'the API server rejects the value',
  'missing-required': 'the API server rejects the object',
  'ambiguous-boolean': 'tools disagree on what is sent',
};

const firstOfKind = new WeakMap<ManifestFile, Map<string, YAMLMap>>();

/** A custom resource no CRD in scope describes: said once per kind and file, never passed silently. */
function noSchema(ctx: RuleContext, apiVersion: string, kind: string): void {
  let first = firstOfKind.get(ctx.file);
  if (!first) {
    first = new Map();
    // Light documents are CRDs, never the first of a custom resource kind: left unparsed.
    for (const o of ctx.file.documents.flatMap((d) => (d.light ? [] : objectsOfDocument(ctx.file, d)))) {
      const key = `${o.identity.apiVersion ?? ''} ${o.identity.kind ?? ''}`;
      if (!first.has(key)) first.set(key, o.node);
    }
    firstOfKind.set(ctx.file, first);
  }
  if (first.get(`${apiVersion} ${kind}`) !== ctx.object.node) return;
  ctx.report({
    message: `no schema for \`${apiVersion} ${kind}\`: validated structurally only (add its CustomResourceDefinition to the workspace, or pass it to \`shipshape lint --crds\`)`,
    severity: 'info',
    data: { code: 'no-schema' },
  });
}

/** Ambiguous YAML 1.1 booleans work with kubectl and Helm: a warning, not an error. */
const SEVERITY: Partial<Record<SchemaIssueCode, Severity>> = { 'ambiguous-boolean': 'warning' };

export const schemaInvalid: Rule = {
  id: 'schema-invalid',
  number: 58,
  category: 'correctness',
  title: 'Does not match the Kubernetes schema',
  severity: 'error',
  fixClass: 'none',
  readsIndex: true,
  docs: {
    what: `A built-in object has an unknown field, a value of the wrong type or outside its allowed values, a malformed quantity, or misses a required field — checked against the OpenAPI schema of Kubernetes ${schemaVersion}, generated from the real API server Shipshape is tested against (scripts/gen-schema.ts). Custom resources are checked against the \`openAPIV3Schema\` of their CustomResourceDefinition when one is in scope (a workspace file, or \`shipshape lint --crds\`), honouring \`x-kubernetes-preserve-unknown-fields\` and \`x-kubernetes-int-or-string\`; a custom resource with no schema anywhere is listed once per kind and file, as info. Removed API versions are skipped quietly (\`deprecated-api-version\` covers them).`,
    why: "The API server rejects the whole object (`strict decoding error: unknown field`, `cannot unmarshal string into … int32`, `Unsupported value`); an older kubectl without strict validation drops a mis-indented key silently, so the probe or port you wrote never exists — the seeds' spark-history.yaml indentation error (line 39) blocked the ArgoCD sync of the whole data platform. Unquoted `yes`/`no`/`on`/`off` are booleans for kubectl and Helm (YAML 1.1) but strings for kustomize (YAML 1.2): `value: yes` in an env var breaks a kubectl apply (reported as an error), `readOnly: yes` breaks a kustomize build (reported as a warning).",
    fix: 'Fix the key (the message suggests the field you probably meant, or where a mis-indented key belongs) or its indentation; quote numbers and booleans where a string is expected and remove quotes where a number is; write quantities like `500m`, `512Mi`, `1Gi`. Required fields are not reported on maps where every required field is absent (a kustomize patch), nor inside template output.',
    anchors:
      'kube-linter `schema-validation` (embeds kubeconform, off by default); kubeconform; Datree (embedded kubeconform v0.4.14).',
  },
  check(ctx) {
    const { apiVersion, kind } = ctx.object.identity;
    if (!apiVersion || !kind) return;
    const custom = hasSchema(apiVersion, kind)
      ? undefined
      : crdSchemaFor(ctx.index.objects, apiVersion, kind);
    if (!custom && isCustomResource(apiVersion, kind)) {
      noSchema(ctx, apiVersion, kind);
      return;
    }
    const issues = validateObject(ctx.object.node, apiVersion, kind, ctx.doc, {
      isTemplated: (node) => ctx.isTemplated(node),
      ...(custom ? { schema: custom } : {}),
    });
    for (const issue of issues) {
      const severity = SEVERITY[issue.code];
      ctx.report({
        message: `${kind} "${ctx.object.identity.name ?? '?'}": ${issue.message}; ${CONSEQUENCE[issue.code]}.`,
        at: issue.node,
        ...(severity ? { severity } : {}),
        data: { code: issue.code, path: issue.path },
      });
    }
  },
};
