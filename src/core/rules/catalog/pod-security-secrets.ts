import { isPair, isScalar } from 'yaml';
import { getMap, getSeq, mapItems, num, pairOf, scalar, str } from '../../manifest/nodes';
import { containerData, eachContainer, podCarriers } from '../helpers';
import type { Rule } from '../types';

/** kube-linter's env-var-secret names, and Polaris' sensitive names. */
const SECRET_NAME = /secret|password|passwd|token|api_?key|credential|private_?key|access_?key/i;
const SECRET_VALUE = [
  /AKIA[0-9A-Z]{16}/, // AWS access key id
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:[^\s@/]+@/i, // credentials inside a URI
  /\bgh[pousr]_[A-Za-z0-9]{36}\b/, // GitHub tokens
  /\bxox[baprs]-[A-Za-z0-9-]{10,}/, // Slack tokens
];
const PLACEHOLDER = /^(\$\{.*\}|\$\(.*\)|<.*>|changeme|change-me|todo|xxx+|\*+|)$/i;

export const secretInEnv: Rule = {
  id: 'secret-in-env',
  number: 23,
  category: 'pod-security-restricted',
  title: 'Secret in a literal env var',
  severity: 'warning',
  fixClass: 'none',
  kinds: podCarriers,
  docs: {
    what: 'A container env var whose name looks secret (password, token, api key, credential…) has a literal `value`.',
    why: "Literal values live in the manifest, in Git and in `kubectl get -o yaml` for anyone who can read the workload. The seeds' Grafana and DolphinScheduler admin passwords ended up in a status report exactly this way.",
    fix: 'Move the value into a Secret and reference it with `valueFrom.secretKeyRef` (the runbook has connector Secret snippets). Shipshape never shows the value. `secretKeyRef` itself is not flagged (CIS 5.4.1 prefers mounted files; that is a policy choice).',
    anchors:
      'kube-linter `env-var-secret`★, `read-secret-from-env-var`; Polaris `sensitiveContainerEnvVar` (danger); Checkov CKV_K8S_35; Kubescape C-0012; Datree #98.',
  },
  check(ctx) {
    eachContainer(ctx, (c) => {
      for (const { node } of mapItems(getSeq(c.node, 'env', ctx.doc), ctx.doc)) {
        const name = str(node, 'name', ctx.doc);
        const valuePair = pairOf(node, 'value');
        if (!name || !valuePair || !SECRET_NAME.test(name) || ctx.isTemplated(valuePair.value)) continue;
        const value = String(scalar(valuePair.value ?? undefined) ?? '');
        if (PLACEHOLDER.test(value.trim())) continue;
        ctx.report({
          message: `Container "${c.name}" sets ${name} to a literal value: put it in a Secret.`,
          at: pairOf(node, 'name'),
          container: c.name,
          data: containerData(c),
        });
      }
    });
  },
};

export const sensitiveConfigMap: Rule = {
  id: 'sensitive-configmap',
  number: 24,
  category: 'pod-security-restricted',
  title: 'Secret-looking data in a ConfigMap',
  severity: 'warning',
  fixClass: 'none',
  kinds: new Set(['ConfigMap']),
  docs: {
    what: 'A ConfigMap key looks like a secret (password, token, key…) with a real-looking value, or a value contains a private key, an AWS key id or credentials in a URI.',
    why: 'ConfigMaps are readable by anyone with read access to the namespace and are not encrypted at rest like Secrets can be.',
    fix: 'Move it into a Secret. Shipshape never shows the value.',
    anchors:
      'Polaris `sensitiveConfigmapContent` (danger); Kubescape C-0012; Datree `ALL_EXPOSED_SECRET_*` (#62–79).',
  },
  check(ctx) {
    const data = getMap(ctx.object.node, 'data', ctx.doc);
    for (const item of data?.items ?? []) {
      if (!isPair(item) || !isScalar(item.key) || ctx.isTemplated(item.value as never)) continue;
      const key = String(item.key.value);
      const value = String(scalar((item.value ?? undefined) as never) ?? '');
      const byValue = SECRET_VALUE.some((r) => r.test(value));
      // A file path or a reference ("/etc/secrets/password") names a secret; it is not one.
      const byName =
        SECRET_NAME.test(key) &&
        !PLACEHOLDER.test(value.trim()) &&
        !/^\/[\w./-]+$/.test(value.trim()) &&
        !/\.(sh|py|properties|conf|ya?ml|json|xml)$/i.test(key);
      if (byValue || byName)
        ctx.report({
          message: `ConfigMap key "${key}" ${byValue ? 'contains what looks like a credential' : 'looks like a secret'}: use a Secret.`,
          at: item.key,
        });
    }
  },
};

export const sshPort: Rule = {
  id: 'ssh-port',
  number: 25,
  category: 'pod-security-restricted',
  title: 'SSH port exposed',
  severity: 'info',
  fixClass: 'none',
  kinds: podCarriers,
  docs: {
    what: 'A container declares port 22.',
    why: 'An SSH daemon in a container is a second, unaudited way in; `kubectl exec` (with RBAC and audit logs) is the supported path.',
    fix: 'Remove the SSH server and the port. No automatic fix.',
    anchors: 'kube-linter `ssh-port`★.',
  },
  check(ctx) {
    eachContainer(ctx, (c) => {
      for (const { node } of mapItems(getSeq(c.node, 'ports', ctx.doc), ctx.doc)) {
        if (num(node, 'containerPort', ctx.doc) === 22)
          ctx.report({
            message: `Container "${c.name}" exposes SSH (port 22).`,
            at: pairOf(node, 'containerPort'),
            container: c.name,
          });
      }
    });
  },
};

export const secretRules: readonly Rule[] = [secretInEnv, sensitiveConfigMap, sshPort];
