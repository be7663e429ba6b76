import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];
let hooked = false;

/**
 * A new temporary folder, removed when this process exits, whether its tests passed or not. Test
 * folders left behind added up on a CI machine whose /tmp outlives the runs (10–25 MB a run).
 */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const path of made)
        try {
          rmSync(path, { recursive: true, force: true });
        } catch {
          // A folder a test made read-only: leaving it must not fail the run.
        }
    });
  }
  return dir;
}
