import { pairOf, scalar } from '../../manifest/nodes';
import type { ContainerRef } from '../../manifest/objects';
import { containerAnchor, containerData, eachContainer, findingContainer, podCarriers } from '../helpers';
import type { FixContext, Rule, RuleContext } from '../types';

export interface ImageRef {
  /** Registry host (with port), when the first path segment names one. */
  readonly registry?: string;
  readonly repository: string;
  readonly tag?: string;
  /** `sha256:…` (the algorithm stays in the value). */
  readonly digest?: string;
}

/**
 * `registry[:port]/repo[:tag][@digest]`. The first segment is a registry only when it contains a
 * dot or a colon or is `localhost` (Docker's rule), so `harbor:5000/app` has a port, not a tag.
 */
export function parseImage(image: string): ImageRef {
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

/** What the API server fills in when `imagePullPolicy` is omitted (core/v1 defaulting). */
export function defaultPullPolicy(ref: ImageRef): 'Always' | 'IfNotPresent' {
  return !ref.digest && (!ref.tag || ref.tag === 'latest') ? 'Always' : 'IfNotPresent';
}

/** The container's literal image, or undefined when absent, empty or produced by a template. */
function literalImage(ctx: RuleContext, c: ContainerRef) {
  const pair = pairOf(c.node, 'image');
  const image = scalar(pair?.value ?? undefined);
  if (!pair || typeof image !== 'string' || image.trim() === '' || ctx.isTemplated(pair.value))
    return undefined;
  return { pair, image, ref: parseImage(image) };
}

export const imageTagPinned: Rule = {
  id: 'image-tag-pinned',
  number: 26,
  category: 'images',
  title: 'Image not pinned',
  severity: 'warning',
  // RULES.md: scaffold (+live). There is deliberately no text fix: see docs.fix.
  fixClass: 'scaffold',
  kinds: podCarriers,
  docs: {
    what: 'A container image has no tag or uses `:latest`; with the `shipshape.analysis.requireDigest` option, any image not pinned by an `@sha256:` digest. A registry port (`harbor.254carbon.com:5000/app`) is not a tag.',
    why: "A moving tag means the same manifest runs different code on different nodes, a rollback does not roll back, and every restart depends on the registry answering. The seeds' Redis pod sat in ImagePullBackOff on `redis:latest` (the suggested workaround was `docker pull redis:latest` by hand) and the portal-services images failed the same way.",
    fix: 'Pin a released version tag, or better the digest of the build you tested (`image: redis:7.2.5@sha256:…`). Shipshape offers no editor fix: any placeholder tag it could write would make the manifest fail to deploy. The live-assisted fix is in the Clusters view: for a running workload it pins the image to the digest the pod actually runs (`status.containerStatuses[].imageID`).',
    anchors:
      'kube-linter `latest-tag`★ (BlockList `.*:(latest)$`, `^[^:]*$`, `(.*/[^:]+)$`); Polaris `tagNotSpecified` (danger); kube-score `container-image-tag`; Checkov CKV_K8S_14 (digest: CKV_K8S_43); Datree #1 (digest: #23); Popeye POP-100 (untagged, error), POP-101 (latest, warning).',
  },
  check(ctx) {
    const requireDigest = ctx.options.requireDigest;
    eachContainer(ctx, (c) => {
      const found = literalImage(ctx, c);
      if (!found) return;
      const { tag, digest } = found.ref;
      let problem: string | undefined;
      if (digest) {
        if (requireDigest && !digest.startsWith('sha256:'))
          problem = 'is pinned by a digest that is not sha256, which the digest policy requires';
      } else if (!tag) problem = 'has no tag, so every pull resolves to :latest';
      else if (tag === 'latest') problem = 'uses the moving :latest tag';
      else if (requireDigest) problem = `is pinned by tag only (:${tag}), and a tag can be re-pushed`;
      if (!problem) return;
      ctx.report({
        message: `Container "${c.name}" image ${found.image} ${problem}: nodes can run different builds and a restart depends on the registry.`,
        at: found.pair,
        container: c.name,
        fixable: false,
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
  fixClass: 'harden',
  kinds: podCarriers,
  docs: {
    what: 'The effective `imagePullPolicy` of a tag-pinned image is not `Always` (omitted means `IfNotPresent` for a version tag), or a digest-pinned image uses `Never`. Untagged and `:latest` images already default to `Always`, so an omitted policy is not reported for them (`image-tag-pinned` is).',
    why: 'With IfNotPresent a node keeps whatever it cached under that tag, even after the tag was re-pushed, so two nodes run different builds of "the same" version; Always re-resolves the tag on every start (layers stay cached) and re-checks the pull secret. A digest cannot move, so IfNotPresent is right for it, but Never fails with ErrImageNeverPull on any node that was not pre-loaded.',
    fix: 'Set `imagePullPolicy: Always`, or `IfNotPresent` for a digest-pinned image. The fix sets exactly that, in place when the key exists.',
    anchors:
      'Polaris `pullPolicyNotAlways` (warning, mutation — the only mutation Polaris applies by default); kube-score `container-image-pull-policy`; Checkov CKV_K8S_15; Kubescape C-0075 (only for `latest`).',
  },
  check(ctx) {
    eachContainer(ctx, (c) => {
      const found = literalImage(ctx, c);
      if (!found) return;
      const pair = pairOf(c.node, 'imagePullPolicy');
      if (pair && ctx.isTemplated(pair.value)) return;
      const explicit = scalar(pair?.value ?? undefined);
      if (pair && typeof explicit !== 'string') return;
      const digest = Boolean(found.ref.digest);
      const effective = typeof explicit === 'string' ? explicit : defaultPullPolicy(found.ref);
      if (digest ? effective !== 'Never' : effective === 'Always') return;
      const consequence =
        effective === 'Never'
          ? 'a node that was not pre-loaded with the image cannot start it (ErrImageNeverPull)'
          : 'a node keeps running whatever it cached under that tag, even after the tag moved';
      ctx.report({
        message: `Container "${c.name}" ${pair ? `pulls with imagePullPolicy ${effective}` : `has no imagePullPolicy, so ${found.image} defaults to ${effective}`}: ${consequence}.`,
        at: pair ?? containerAnchor(c),
        container: c.name,
        data: containerData(c),
        fixTitle: `Set imagePullPolicy: ${digest ? 'IfNotPresent' : 'Always'}`,
      });
    });
  },
  fix: {
    class: 'harden',
    title: 'Set imagePullPolicy: Always',
    apply(ctx: FixContext) {
      const found = findingContainer(ctx);
      const image = scalar(pairOf(found?.container.node, 'image')?.value ?? undefined);
      if (!found || typeof image !== 'string') return undefined;
      const policy = parseImage(image).digest ? 'IfNotPresent' : 'Always';
      return ctx.editor.setIn(found.container.node, ['imagePullPolicy'], policy);
    },
  },
};

const DOCKER_HUB_ALIASES: ReadonlySet<string> = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
]);

/** Registry and full path as users write allow-lists: Docker Hub is `docker.io`, its official
 * images live under `library/`. */
function canonicalImage(ref: ImageRef): { registry: string; path: string } {
  const registry =
    ref.registry === undefined || DOCKER_HUB_ALIASES.has(ref.registry) ? 'docker.io' : ref.registry;
  const repository =
    registry === 'docker.io' && !ref.repository.includes('/') ? `library/${ref.repository}` : ref.repository;
  return { registry, path: `${registry}/${repository}` };
}

function normaliseAllowed(entry: string): string {
  let out = entry.trim().replace(/^[a-z]+:\/\//i, '');
  while (out.endsWith('/')) out = out.slice(0, -1);
  return DOCKER_HUB_ALIASES.has(out) ? 'docker.io' : out;
}

export const allowedRegistries: Rule = {
  id: 'allowed-registries',
  number: 28,
  category: 'images',
  title: 'Image from a registry outside the allow-list',
  severity: 'off',
  fixClass: 'none',
  kinds: podCarriers,
  docs: {
    what: 'A container image comes from a registry (or registry path) not listed in `shipshape.analysis.allowedRegistries` (opt-in; entries are hosts like `harbor.254carbon.com` or path prefixes like `docker.io/bitnami`; images without a registry come from `docker.io`).',
    why: 'Images pulled straight from public registries bypass the scanning, signing and caching of your own registry, and fail when the public registry rate-limits or drops a tag — the seeds moved the portal images into their Harbor for this reason.',
    fix: 'Mirror the image into an allowed registry and reference it there. No automatic fix: only you know where the mirror lives.',
    anchors: 'Kubescape C-0078; Popeye POP-113.',
  },
  check(ctx) {
    if (ctx.options.allowedRegistries.length === 0) return;
    const allowed = ctx.options.allowedRegistries.map(normaliseAllowed).filter((a) => a !== '');
    eachContainer(ctx, (c) => {
      const found = literalImage(ctx, c);
      if (!found) return;
      const { registry, path } = canonicalImage(found.ref);
      if (allowed.some((a) => a === registry || path === a || path.startsWith(`${a}/`))) return;
      ctx.report({
        message: `Container "${c.name}" image ${found.image} comes from ${registry}, which is not an allowed registry: it bypasses the scanning and mirroring of your own registry.`,
        at: found.pair,
        container: c.name,
      });
    });
  },
};

export const imageRules: readonly Rule[] = [imageTagPinned, imagePullPolicy, allowedRegistries];
