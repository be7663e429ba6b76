import { isPair, isScalar, type Node } from 'yaml';
import { getMap, getSeq, mapItems, num, pairOf, scalar, str } from '../../manifest/nodes';
import { containerData, eachContainer, objectName, podCarriers } from '../helpers';
import type { Rule } from '../types';

/**
 * kube-linter's `env-var-secret` name pattern (`(?i).*secret.*|.*password.*|.*token.*|.*passwd.*|
 * .*api_?key.*|.*credential.*`), plus private keys.
 */
const SECRET_NAME = /secret|password|passwd|token|api[_-]?key|credential|private[_-]?key/i;
/** Names that mention a secret without holding one: where it is, what it is called, how long it lives. */
const NOT_A_SECRET_NAME =
  /[._-](file|path|dir|name|ref|ttl|timeout|expiry|expiration|lifetime|enabled|enable|length|header|type|url|uri|endpoint|issuer|audience|mount|location|key_?id)$/i;
/** Values that are not literals: env expansion, template placeholders, paths, switches, empty. */
const NOT_A_SECRET_VALUE =
  /^(\$\{.*\}|\$\(.*\)|\$[A-Z_][A-Z0-9_]*|<.*>|\{\{.*\}\}|%\(.*\)s|\/[\w./-]*|true|false|)$/i;

/** Credentials recognisable by their value, whatever the key is called; never echoed. */
const SECRET_VALUES: readonly { readonly pattern: RegExp; readonly what: string }[] = [
  { pattern: /AKIA[0-9A-Z]{16}/, what: 'an AWS access key id' },
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: 'a private key' },
  { pattern: /[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:[^\s@/]+@/i, what: 'a password inside a URI' },
  { pattern: /\bgh[pousr]_[A-Za-z0-9]{36}\b/, what: 'a GitHub token' },
  { pattern: /\bxox[baprs]-[A-Za-z0-9-]{10,}/, what: 'a Slack token' },
  { pattern: /\beyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]*/, what: 'a JSON Web Token' },
];

/** `name = value` / `name: value` / `"name": "value"` lines inside config files held in a ConfigMap. */
const ASSIGNMENT =
  /^[ \t]*["']?([\w.-]*(?:secret|password|passwd|token|api[_-]?key|credential|private[_-]?key)[\w.-]*)["']?[ \t]*[=:][ \t]*(?:"([^"\n]*)"|'([^'\n]*)'|([^\s"'#;,(){}[\]]+))[ \t]*[,;]?[ \t]*(?:#.*)?$/gim;

/** What kind of credential a value holds, and the matched text (to locate it, never to show it). */
export function secretValue(value: string): { what: string; text: string } | undefined {
  for (const { pattern, what } of SECRET_VALUES) {
    const match = pattern.exec(value);
    if (match) return { what, text: match[0] };
  }
  return undefined;
}

/** [start, end) of `needle` inside a node's source range, when the scalar's text is verbatim. */
function locate(
  text: string,
  needle: string,
  range: readonly number[] | null | undefined,
): [number, number] | undefined {
  if (!range || range[0] === undefined || range[1] === undefined) return undefined;
  const at = text.indexOf(needle, range[0]);
  return at >= 0 && at + needle.length <= range[1] ? [at, at + needle.length] : undefined;
}

/** A number or a duration (`3600`, `24h`, `1.5`): a setting such as `token_ttl_seconds`,
 * `password_min_length` or `max_tokens`, never a credential on its own. */
const NUMERIC_SETTING = /^[+-]?\d{1,12}(\.\d+)?(ns|us|µs|ms|s|m|h|d|w|y)?$/i;

/** A secret-looking name with a value that is a real literal (not a reference, path, switch or number). */
export function looksLikeSecret(name: string, value: string): boolean {
  const literal = value.trim();
  return (
    SECRET_NAME.test(name) &&
    !NOT_A_SECRET_NAME.test(name) &&
    !NOT_A_SECRET_VALUE.test(literal) &&
    !NUMERIC_SETTING.test(literal)
  );
}

export const secretInEnv: Rule = {
  id: 'secret-in-env',
  number: 23,
  category: 'pod-security-restricted',
  title: 'Secret in a literal env var',
  severity: 'warning',
  fixClass: 'none',
  kinds: podCarriers,
  docs: {
    what: 'A container env var has a literal `value` that is a secret: its name looks secret (password, token, api key, credential, private key…) or the value itself is recognisably a credential (AWS key id, private key, `user:password@` in a URI, GitHub/Slack token, JWT).',
    why: "Literal values live in the manifest, in Git history and in `kubectl get -o yaml` for anyone who can read the workload — the seeds' status reports pass around the Grafana admin password exactly like this. Shipshape never repeats the value in a message.",
    fix: 'Move the value into a Secret and reference it with `valueFrom.secretKeyRef`. No automatic fix (the Secret has to be created out of band). Not flagged: `valueFrom.secretKeyRef` itself (CIS 5.4.1 and kube-linter `read-secret-from-env-var` prefer mounted files; that is a policy choice, not a leak), `$(OTHER_VAR)` references, placeholders, file paths, booleans and numbers or durations, and names that only mention a secret (`*_FILE`, `*_PATH`, `*_SECRET_NAME`, `*_TOKEN_TTL`…).',
    anchors:
      'kube-linter `env-var-secret`★ (its name regex), `read-secret-from-env-var`; Polaris `sensitiveContainerEnvVar` (danger); Checkov CKV_K8S_35; Kubescape C-0012; Datree #98.',
  },
  check(ctx) {
    eachContainer(ctx, (c) => {
      for (const { node } of mapItems(getSeq(c.node, 'env', ctx.doc), ctx.doc)) {
        const name = str(node, 'name', ctx.doc);
        const valuePair = pairOf(node, 'value');
        if (!name || !valuePair || ctx.isTemplated(valuePair.value)) continue;
        const raw = scalar(valuePair.value ?? undefined);
        if (raw === undefined || raw === null) continue;
        const value = String(raw);
        const kind = secretValue(value)?.what;
        if (!kind && !looksLikeSecret(name, value)) continue;
        ctx.report({
          message: kind
            ? `Container "${c.name}" sets ${name} to a literal value containing ${kind}: anyone who can read this ${ctx.object.identity.kind ?? 'object'} can use it.`
            : `Container "${c.name}" sets ${name} from a literal value: anyone who can read this ${ctx.object.identity.kind ?? 'object'} can read it; use valueFrom.secretKeyRef.`,
          at: valuePair,
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
    what: 'A ConfigMap entry looks like a secret: a secret-looking key (`db_password`, `api-token`) with a literal value; a value holding an AWS key id, a private key, `user:password@` in a URI, a GitHub/Slack token or a JWT; or a config file inside the ConfigMap assigning one (`s3.secret-key=…`, `password: …`).',
    why: 'ConfigMaps are readable by anyone with read access to the namespace, show up in `kubectl describe`, and are not encrypted at rest the way Secrets can be. Catalog property files (Trino `s3.secret-key`, JDBC passwords) are the usual way credentials end up there.',
    fix: 'Move the value into a Secret (mount it, or use the application\'s environment substitution such as Trino\'s `${ENV:S3_SECRET_KEY}`). No automatic fix. Shipshape never repeats the value; the finding points at the line that holds it. Paths, placeholders, `${…}` references and numbers or durations (`token_ttl_seconds: "3600"`, `password_min_length: "12"`) are not flagged.',
    anchors:
      'Polaris `sensitiveConfigmapContent` (danger); Kubescape C-0012; Datree `ALL_EXPOSED_SECRET_*` (#62–79).',
  },
  check(ctx) {
    const data = getMap(ctx.object.node, 'data', ctx.doc);
    const text = ctx.file.text;
    for (const item of data?.items ?? []) {
      if (!isPair(item) || !isScalar(item.key)) continue;
      const valueNode = item.value as Node | null;
      if (ctx.isTemplated(valueNode)) continue;
      const key = String(item.key.value);
      const raw = scalar(valueNode ?? undefined);
      if (raw === undefined || raw === null) continue;
      const value = String(raw);
      const where = `ConfigMap "${objectName(ctx)}" key "${key}"`;
      const multiline = value.includes('\n');
      const found = secretValue(value);
      if (found) {
        ctx.report({
          message: `${where} contains ${found.what}: move it into a Secret.`,
          at: (multiline && locate(text, found.text, valueNode?.range)) || item,
        });
        continue;
      }
      if (!multiline) {
        if (looksLikeSecret(key, value))
          ctx.report({
            message: `${where} looks like a secret with a literal value: move it into a Secret.`,
            at: item,
          });
        continue;
      }
      // A config file: report each assignment, pointing at its own line when the text is verbatim.
      for (const match of value.matchAll(ASSIGNMENT)) {
        const [line, name = '', dq, sq, bare] = match;
        if (!looksLikeSecret(name, dq ?? sq ?? bare ?? '')) continue;
        ctx.report({
          message: `${where} sets ${name} to a literal value: move it into a Secret.`,
          at: locate(text, line.trim(), valueNode?.range) ?? item,
        });
      }
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
    why: 'An SSH daemon in a container is a second, unaudited way in with its own keys and passwords; `kubectl exec` (with RBAC and audit logs) is the supported path.',
    fix: 'Remove the SSH server and the port. No automatic fix (it would not remove the daemon from the image).',
    anchors:
      'kube-linter `ssh-port`★ (its `privileged-ports` check for ports below 1024 is off by default there and not part of this rule).',
  },
  check(ctx) {
    eachContainer(ctx, (c) => {
      for (const { node } of mapItems(getSeq(c.node, 'ports', ctx.doc), ctx.doc)) {
        const pair = pairOf(node, 'containerPort');
        if (num(node, 'containerPort', ctx.doc) !== 22 || ctx.isTemplated(pair?.value)) continue;
        ctx.report({
          message: `Container "${c.name}" exposes SSH (port 22): a way in that bypasses RBAC and audit logs.`,
          at: pair,
          container: c.name,
        });
      }
    });
  },
};

export const secretRules: readonly Rule[] = [secretInEnv, sensitiveConfigMap, sshPort];
