import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  fsyncSync,
  openSync,
  readSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const PLAIN: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted (the file or its folder is read-only or immutable)',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  ENAMETOOLONG: 'the file name is too long for a temporary copy beside it',
  EISDIR: 'it is a directory',
};

/** An error from `replaceFile`, in words for a terminal: the file was left as it was. */
export class WriteError extends Error {}

function startsWithBom(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(3);
    return readSync(fd, head, 0, 3, 0) === 3 && head.equals(BOM);
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces a file's content so that it is never seen half-written: the new text goes to a
 * temporary file in the same folder (same file system, so the rename is atomic), flushed to
 * disk, then renamed over the original. Mode and (where permitted) owner are copied; a UTF-8 BOM
 * the original started with is kept (the decoder strips it from the text). On failure the
 * temporary file is removed and a WriteError says why; the original is untouched.
 */
export function replaceFile(link: string, text: string): void {
  let temp = '';
  let created = false;
  try {
    // Through a symbolic link, the file it points to is replaced; the link stays a link.
    const path = realpathSync(link);
    temp = join(dirname(path), `.${basename(path)}.shipshape-${randomBytes(4).toString('hex')}.tmp`);
    const stat = statSync(path);
    const bytes = Buffer.from(text, 'utf8');
    const body =
      startsWithBom(path) && !bytes.subarray(0, 3).equals(BOM) ? Buffer.concat([BOM, bytes]) : bytes;
    const fd = openSync(temp, 'wx', stat.mode & 0o7777);
    created = true;
    try {
      for (let at = 0; at < body.length;) at += writeSync(fd, body, at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      chownSync(temp, stat.uid, stat.gid);
    } catch {
      // Only root may give a file away: the new file then belongs to whoever runs the fix.
    }
    // After the chown (which clears set-id bits), and past the umask `open` applied.
    chmodSync(temp, stat.mode & 0o7777);
    renameSync(temp, path);
    created = false;
  } catch (error) {
    if (created)
      try {
        unlinkSync(temp);
      } catch {
        // Already gone: nothing to clean up.
      }
    const code = (error as NodeJS.ErrnoException).code;
    throw new WriteError((code && PLAIN[code]) ?? (error instanceof Error ? error.message : String(error)));
  }
}
