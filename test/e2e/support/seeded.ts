import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Page } from 'playwright-core';
import { runCluster, type RunningCluster } from '../../../scenarios/cli';
import { renderToolSettings, repoRoot } from '../../../scripts/harness/paths';
import { openWorkbench, type Session } from './workbench';
import { scratchDir } from '../../../scripts/harness/scratch';

export interface SeededPlatform {
  /** A private copy of the demo workspace: tests edit and save its manifests. */
  readonly workspace: string;
  readonly cluster: RunningCluster;
  readonly session: Session;
  /** The page, or undefined before `before` ran (for failure screenshots). */
  readonly page: Page | undefined;
}

/**
 * For one test file: the real API server with the seeded platform, and VS Code (the packaged
 * extension) on a copy of the demo workspace with KUBECONFIG pointing at it. Started in
 * `before`, stopped in `after`, even when a test fails.
 */
export function seededPlatform(
  name: string,
  options: { metricsServer?: boolean; settings?: Record<string, unknown> } = {},
): SeededPlatform {
  const workspace = scratchDir(`shipshape-e2e-${name}-`);
  cpSync(join(repoRoot, 'demo', 'workspace'), workspace, { recursive: true });
  let cluster: RunningCluster | undefined;
  let session: Session | undefined;
  before(async () => {
    cluster = await runCluster({
      scenario: 'seeds',
      kubeconfig: join(scratchDir('kc-'), 'config'),
      ...(options.metricsServer ? { metricsServer: true } : {}),
      log: () => undefined,
    });
    session = await openWorkbench(workspace, {
      env: { KUBECONFIG: cluster.kubeconfig },
      settings: { ...renderToolSettings(), ...options.settings },
    });
  });
  after(async () => {
    await session?.close();
    await cluster?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the seeded platform is not started (used outside a test?)');
    return value;
  };
  return {
    workspace,
    get cluster() {
      return started(cluster);
    },
    get session() {
      return started(session);
    },
    get page() {
      return session?.page;
    },
  };
}
