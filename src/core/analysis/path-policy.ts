/**
 * Which files are Kubernetes manifests: one answer for the CLI's directory walk, the editor's
 * workspace index and the editor's open documents (they used to disagree: `*.runbook.yml` was
 * read as a runbook and linted as manifests; the CLI skipped `dist/` and `out/`, the index did not).
 * Paths use `/` or `\` separators; only names are looked at, never the disk.
 */

/** Folders never searched for manifests, with the reason shown when one is skipped. */
export const SKIPPED_FOLDERS: ReadonlyMap<string, string> = new Map([
  ['node_modules', 'dependencies'],
  ['.git', 'version control'],
  ['.hg', 'version control'],
  ['.svn', 'version control'],
  ['dist', 'build output'],
  ['out', 'build output'],
]);

/** Folders skipped without a word: every repository has one, and they never hold manifests. */
export const QUIET_FOLDERS: ReadonlySet<string> = new Set(['.git', '.hg', '.svn']);

export const MANIFEST_EXTENSIONS: readonly string[] = ['.yaml', '.yml'];

/** For editor file searches (VS Code globs). */
export const RUNBOOK_GLOB = '**/*.runbook.{yaml,yml}';
export const MANIFEST_GLOB = '**/*.{yaml,yml}';
// One flat alternation: ripgrep (behind VS Code's findFiles) refuses nested `{…}` groups, and an
// exclude it cannot parse fails the whole search, leaving the workspace index empty.
export const MANIFEST_EXCLUDE_GLOB = `{${[
  ...[...SKIPPED_FOLDERS.keys()].map((d) => `**/${d}/**`),
  '**/*.runbook.yaml',
  '**/*.runbook.yml',
].join(',')}}`;

export type PathVerdict =
  | { readonly manifest: true }
  | {
      readonly manifest: false;
      readonly reason: 'runbook' | 'not-yaml' | 'skipped-folder';
      readonly detail: string;
    };

const baseName = (path: string) => path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);

export function isRunbookPath(path: string): boolean {
  return /\.runbook\.ya?ml$/i.test(baseName(path));
}

export function isYamlPath(path: string): boolean {
  const name = baseName(path).toLowerCase();
  return MANIFEST_EXTENSIONS.some((ext) => name.endsWith(ext));
}

/** The skipped folder a relative path goes through, if any (`charts/dist/x.yaml` → `dist`). */
export function skippedFolderOf(relativePath: string): string | undefined {
  const segments = relativePath.split(/[\\/]/);
  segments.pop();
  return segments.find((s) => SKIPPED_FOLDERS.has(s));
}

/**
 * Whether a file is analysed as manifests. `found` files come from searching a folder (the CLI's
 * walk, the workspace index; the path relative to that folder); a file the user names or opens is
 * taken whatever its folder or extension, but a runbook is never a manifest.
 */
export function manifestVerdict(path: string, how: 'found' | 'named'): PathVerdict {
  if (isRunbookPath(path)) return { manifest: false, reason: 'runbook', detail: 'a runbook' };
  if (how === 'named') return { manifest: true };
  if (!isYamlPath(path)) return { manifest: false, reason: 'not-yaml', detail: 'not a .yaml or .yml file' };
  const folder = skippedFolderOf(path);
  if (folder !== undefined)
    return {
      manifest: false,
      reason: 'skipped-folder',
      detail: `in ${folder}/ (${SKIPPED_FOLDERS.get(folder)})`,
    };
  return { manifest: true };
}
