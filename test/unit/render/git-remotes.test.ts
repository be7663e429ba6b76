import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gitRemotes } from '../../../src/adapters/render/argo';
import { scratchDir } from '../../../scripts/harness/scratch';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, stdio: 'pipe', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null' } });

test("a checkout's remotes are read from its git config, a worktree's from the shared one", () => {
  const dir = realpathSync(scratchDir('shipshape-remotes-'));
  try {
    const repo = join(dir, 'infra');
    execFileSync('git', ['init', '-q', repo]);
    git(repo, 'remote', 'add', 'origin', 'git@git.example:platform/infrastructure.git');
    git(repo, 'remote', 'add', 'mirror', 'https://mirror.example/platform/infrastructure');
    git(repo, '-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-q', '--allow-empty', '-m', 'init');
    const worktree = join(dir, 'infra-hotfix');
    git(repo, 'worktree', 'add', '-q', worktree);
    const plain = join(dir, 'not-a-repo');
    const remotes = gitRemotes([repo, worktree, plain]);
    const both = [
      'git@git.example:platform/infrastructure.git',
      'https://mirror.example/platform/infrastructure',
    ];
    assert.deepEqual(remotes.get(repo), both);
    assert.deepEqual(remotes.get(worktree), both);
    assert.equal(remotes.has(plain), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
