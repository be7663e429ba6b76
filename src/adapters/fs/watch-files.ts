import { createHash } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Tells when any of a few files (the kubeconfig files) changes content. It watches each file's
 * folder rather than the file: kubectl rewrites in place, editors and cloud CLIs often write a new
 * file and rename it over the old one, and a file that does not exist yet can still appear. Works
 * for paths outside the workspace, where VS Code's watcher needs a base folder anyway. Events
 * that leave the content as it was (a touch, a save without changes) are ignored.
 */
export class FilesWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private digests = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    private readonly onChange: () => void,
    private readonly debounceMs = 150,
  ) {}

  /** Watches exactly these files from now on (the previous set is dropped). */
  watch(paths: readonly string[]): void {
    if (this.disposed) return;
    this.digests = new Map(paths.map((p) => [p, digest(p)]));
    const folders = new Set(paths.map((p) => dirname(p)));
    for (const [folder, watcher] of this.watchers) {
      if (!folders.has(folder)) {
        watcher.close();
        this.watchers.delete(folder);
      }
    }
    for (const folder of folders) {
      if (this.watchers.has(folder)) continue;
      try {
        const watcher = watch(folder, { persistent: false }, (_event, name) => {
          const file = name?.toString();
          if (file && ![...this.digests.keys()].some((p) => dirname(p) === folder && basename(p) === file))
            return;
          this.schedule();
        });
        // A folder removed under us: stop quietly; the next reload watches again.
        watcher.on('error', () => {
          watcher.close();
          this.watchers.delete(folder);
        });
        this.watchers.set(folder, watcher);
      } catch {
        // The folder does not exist: nothing there can change until it does.
      }
    }
  }

  private schedule(): void {
    clearTimeout(this.timer);
    // Writers often truncate, then write: wait for the burst to end before reading.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      let changed = false;
      for (const [path, before] of this.digests) {
        const now = digest(path);
        if (now !== before) {
          this.digests.set(path, now);
          changed = true;
        }
      }
      if (changed && !this.disposed) this.onChange();
    }, this.debounceMs);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}

function digest(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return 'missing';
  }
}
