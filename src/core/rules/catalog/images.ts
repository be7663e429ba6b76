import { pairOf, scalar, str } from '../../manifest/nodes';
import { containerData, eachContainer, findingContainer, podCarriers } from '../helpers';
import type { Rule } from '../types';

/** registry/repo:tag@digest — the registry is the first part when it has a dot, colon or is localhost. */
export function parseImage(image: string): {
  registry?: string;
  repository: string;
  tag?: string;
  digest?: string;
} {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let registry: string | undefined;
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  const colon = rest.lastIndexOf(':');
  const tag = colon >= 0 ? rest.slice(colon + 1) : undefined;
  const repository = colon >= 0 ? rest.slice(0, colon) : rest;
  return {
    repository,
    ...(registry ? { registry } : {}),
    ...(tag ? { tag } : {}),
    ...(digest ? { digest } : {}),
  };
}

export const imageTagPinned: Rule = {
  id: 'image-tag-pinned',
  number: 26,
  category: 'images',
  title: 'Image not pinned',
  severity: 'warning',
  fixClass: 'scaffold',
  kinds: podCarriers,
  docs: {
    what: 'A container image has no tag or uses `:latest` (with the `requireDigest` option: is not pinned by `@sha256:` digest).',
    why: "An unpinned image changes under you: a node pulls a different build than its neighbours, rollbacks do not roll back, and a registry outage turns into ImagePullBackOff (the seeds' Redis and portal-services pods).",
    fix: 'Pin a version tag, or better a digest. No text fix is offered in the editor (a placeholder tag would not deploy); from the Clusters view Shipshape can pin to the digest the running pod reports (`status.containerStatuses[].imageID`).',
    anchors:
      'kube-linter `latest-tag`★; Polaris `tagNotSpecified` (danger); kube-score `container-image-tag`; Checkov CKV_K8S_14 (digest CKV_K8S_43); Datree #1 (digest #23); Popeye POP-100, POP-101.',
  },
  check(ctx) {
    eachContainer(ctx, (c) => {
      const pair = pairOf(c.node, 'image');
      const image = scalar(pair?.value ?? undefined);
      if (typeof image !== 'string' || !pair || ctx.isTemplated(pair.value)) return;
      const { tag, digest } = parseImage(image);
      if (digest) return;
      const problem = !tag
        ? 'has no tag (it means latest)'
        : tag === 'latest'
          ? 'uses the latest tag'
          : ctx.options.requireDigest
            ? 'is not pinned by digest'
            : undefined;
      if (problem)
        ctx.report({
          message: `Container "${c.name}" image ${image} ${problem}.`,
          at: pair.value ?? pair,
          container: c.name,
        });
    });
  },
};

export const imagePullPolicy: Rule = {
  id: 'image-pull-policy',
  number: 27,
  category: 'images',
  title: 'imagePullPolicy not Always',
  severity: 'info',
  fixClass: 'auto',
  kinds: podCarriers,
  docs: {
    what: '`imagePullPolicy` is not `Always` for a tag-pinned image (digest-pinned images may use `IfNotPresent`).',
    why: 'With IfNotPresent a node keeps running whatever it cached under that tag, even after the tag moved; Always re-resolves the tag (cheaply, layers stay cached) and checks the pull secret.',
    fix: 'Set `imagePullPolicy: Always` (or `IfNotPresent` with a digest). The fix sets it.',
    anchors:
      'Polaris `pullPolicyNotAlways` (warning, mutation — its only default mutation); kube-score `container-image-pull-policy`; Checkov CKV_K8S_15; Kubescape C-0075.',
  },
  check(ctx) {
    eachContainer(ctx, (c) => {
      const image = str(c.node, 'image', ctx.doc);
      const pair = pairOf(c.node, 'imagePullPolicy');
      if (!image || ctx.isTemplated(pairOf(c.node, 'image')?.value) || (pair && ctx.isTemplated(pair.value)))
        return;
      const policy = scalar(pair?.value ?? undefined);
      const digest = Boolean(parseImage(image).digest);
      if (policy === 'Always' || (digest && policy === 'IfNotPresent')) return;
      ctx.report({
        message: `Container "${c.name}" pulls ${policy ? `with ${String(policy)}` : 'only if not present (the default for tagged images)'}: nodes may run a stale image for this tag.`,
        at: pair ?? pairOf(c.node, 'image'),
        container: c.name,
        data: containerData(c),
        fixTitle: digest ? 'Set imagePullPolicy: IfNotPresent' : 'Set imagePullPolicy: Always',
      });
    });
  },
  fix: {
    class: 'auto',
    title: 'Set imagePullPolicy: Always',
    apply(ctx) {
      const found = findingContainer(ctx);
      if (!found) return undefined;
      const digest = Boolean(parseImage(str(found.container.node, 'image', ctx.doc) ?? '').digest);
      return ctx.editor.setIn(found.container.node, ['imagePullPolicy'], digest ? 'IfNotPresent' : 'Always');
    },
  },
};

export const allowedRegistries: Rule = {
  id: 'allowed-registries',
  number: 28,
  category: 'images',
  title: 'Image from a registry outside the allow-list',
  severity: 'off',
  fixClass: 'none',
  kinds: podCarriers,
  docs: {
    what: 'A container image comes from a registry not listed in `shipshape.analysis.allowedRegistries` (opt-in; Docker Hub images have the registry `docker.io`).',
    why: 'Pulling from arbitrary registries bypasses image scanning and is a supply-chain risk; the seeds moved portal images to their Harbor for this.',
    fix: 'Mirror the image into an allowed registry and reference it there.',
    anchors: 'Kubescape C-0078; Popeye POP-113.',
  },
  check(ctx) {
    const allowed = ctx.options.allowedRegistries;
    if (allowed.length === 0) return;
    eachContainer(ctx, (c) => {
      const pair = pairOf(c.node, 'image');
      const image = scalar(pair?.value ?? undefined);
      if (typeof image !== 'string' || ctx.isTemplated(pair?.value)) return;
      const registry = parseImage(image).registry ?? 'docker.io';
      const full = `${registry}/${parseImage(image).repository}`;
      if (!allowed.some((prefix) => full.startsWith(prefix.replace(/\/?$/, '/')) || registry === prefix)) {
        ctx.report({
          message: `Container "${c.name}" image comes from ${registry}, which is not an allowed registry.`,
          at: pair?.value ?? pair,
          container: c.name,
        });
      }
    });
  },
};

export const imageRules: readonly Rule[] = [imageTagPinned, imagePullPolicy, allowedRegistries];
