import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTool } from './paths';
import { freePort, spawnManaged, waitForLine, type Managed } from './process';

export interface CodeServer {
  readonly port: number;
  readonly origin: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly process: Managed;
  /** URL of the workbench for a folder, optionally loading an extension under development. */
  url(folder: string, development?: { extensionPath: string; testsPath?: string }): string;
  /** Installs a .vsix into this server's extensions folder, as `code-server --install-extension` does. */
  install(vsix: string): void;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  readonly extensionsDir?: string;
  readonly env?: Record<string, string>;
  readonly settings?: Record<string, unknown>;
  readonly port?: number;
  readonly logFile?: string;
  /** Leave the workspace-trust feature on (to test restricted mode on purpose). */
  readonly workspaceTrust?: boolean;
}

const quietSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'security.workspace.trust.startupPrompt': 'never',
  'workbench.colorTheme': 'Default Dark Modern',
  'window.commandCenter': false,
  'git.openRepositoryInParentFolders': 'never',
  'git.enabled': false,
};

/** Starts real VS Code (code-server) on a loopback port with throw-away user data. */
export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  const entry = ensureTool('ensure-code-server.mjs');
  const root = mkdtempSync(join(tmpdir(), 'shipshape-vscode-'));
  const userDataDir = join(root, 'user-data');
  const extensionsDir = options.extensionsDir ?? join(root, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...quietSettings, ...options.settings }, null, 2),
  );
  const config = join(root, 'config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  const port = options.port ?? (await freePort());
  const args = [
    entry,
    '--config',
    config,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  if (!options.workspaceTrust) args.push('--disable-workspace-trust');
  const managed = spawnManaged(process.execPath, args, {
    env: { ...process.env, ...options.env },
    ...(options.logFile ? { logFile: options.logFile } : {}),
  });
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitForLine(managed, /HTTP server listening on/, 60_000, 'code-server');
  } catch (error) {
    await managed.stop();
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    origin,
    userDataDir,
    extensionsDir,
    process: managed,
    url(folder, development) {
      const params = new URLSearchParams({ folder });
      if (development) {
        const remote = (path: string) => `vscode-remote://127.0.0.1:${port}${path}`;
        const payload: [string, string][] = [['extensionDevelopmentPath', remote(development.extensionPath)]];
        if (development.testsPath) payload.push(['extensionTestsPath', remote(development.testsPath)]);
        params.set('payload', JSON.stringify(payload));
      }
      return `${origin}/?${params.toString()}`;
    },
    install(vsix) {
      execFileSync(
        process.execPath,
        [
          entry,
          '--extensions-dir',
          extensionsDir,
          '--user-data-dir',
          userDataDir,
          '--install-extension',
          vsix,
          '--force',
        ],
        { stdio: 'pipe' },
      );
    },
    async stop() {
      await managed.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
