import { validateObject } from '../../schema/validate';
import type { Rule } from '../types';

export const schemaInvalid: Rule = {
  id: 'schema-invalid',
  number: 58,
  category: 'correctness',
  title: 'Does not match the Kubernetes schema',
  severity: 'error',
  fixClass: 'none',
  docs: {
    what: 'A built-in object has an unknown field, a value of the wrong type, or misses a required field, checked against the OpenAPI schema of Kubernetes 1.36 (generated from the real API server Shipshape is tested against). Custom resources are skipped.',
    why: 'The API server rejects the whole object ("strict decoding error: unknown field"); a mis-indented key silently applied with an old kubectl is simply ignored — the probe or limit you wrote never exists (the seeds\' spark-history.yaml indentation bug).',
    fix: 'Fix the key (a "did you mean" hint is given for typos) or its indentation; quote numbers and booleans where a string is expected.',
    anchors:
      'kube-linter `schema-validation` (embeds kubeconform, off by default); kubeconform; Datree (embedded kubeconform).',
  },
  check(ctx) {
    const { apiVersion, kind } = ctx.object.identity;
    if (!apiVersion || !kind) return;
    for (const issue of validateObject(ctx.object.node, apiVersion, kind, ctx.doc, (node) =>
      ctx.isTemplated(node),
    )) {
      ctx.report({ message: `${issue.message}.`, at: issue.node });
    }
  },
};
