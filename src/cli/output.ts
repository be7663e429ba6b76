import { writeSync } from 'node:fs';

/**
 * Synchronous, back-pressured writes to a file descriptor. Reports are written while the analysis
 * runs on this thread; `process.stdout.write` to a pipe only queues (100 MB written to a slow pipe
 * stayed queued in memory), so the report would grow in memory again. Blocking writes make the
 * analysis wait for the reader instead.
 */
export class SyncWriter {
  private chunks: string[] = [];
  private size = 0;
  private closed = false;

  constructor(private readonly fd: number) {}

  write(text: string): void {
    if (this.closed) return;
    this.chunks.push(text);
    this.size += text.length;
    if (this.size >= 64 * 1024) this.flush();
  }

  flush(): void {
    if (this.closed || this.size === 0) return;
    const buffer = Buffer.from(this.chunks.join(''), 'utf8');
    this.chunks = [];
    this.size = 0;
    let offset = 0;
    while (offset < buffer.length) {
      try {
        offset += writeSync(this.fd, buffer, offset, buffer.length - offset);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // A non-blocking pipe that is full: wait for the reader a moment, then try again.
        if (code === 'EAGAIN') Atomics.wait(pause, 0, 0, 5);
        // The reader went away (`shipshape lint … | head`): nobody wants the rest.
        else if (code === 'EPIPE') {
          this.closed = true;
          return;
        } else throw error;
      }
    }
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));
