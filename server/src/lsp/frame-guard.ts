import { Transform, TransformCallback } from 'stream';

/** Larger messages are refused: a 2 GB Content-Length must not make the server buffer all that follows. */
export const MAX_MESSAGE_BYTES = 256 * 1048576;
/** A header block longer than this is not one. */
const MAX_HEADER_BYTES = 8192;
/** A frame header inside what should be a body: the sender's Content-Length was wrong. JSON cannot hold raw CR LF in a string. */
const HEADER_IN_BODY = /Content-Length:[ \t]*\d+[ \t]*\r\n/i;
const HEADER_START = 'Content-Length:';

/**
 * Sits between stdin and the JSON-RPC reader and passes on well-formed frames only. vscode-jsonrpc
 * stops reading for good after one frame whose Content-Length is missing, negative or wrong (the server
 * lived on, deaf), and buffers whatever follows a huge one. Here a broken frame is dropped and reading
 * resumes at the next `Content-Length:` header.
 */
export class FrameGuard extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  dropped = 0;

  constructor(private readonly onDrop: (why: string) => void = () => undefined) { super(); }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.drain();
    done();
  }

  private skip(why: string, resumeAt: number): void {
    this.dropped++;
    this.onDrop(why);
    this.pending = this.pending.subarray(Math.max(1, resumeAt));
  }

  private drain(): void {
    for (;;) {
      const start = this.pending.indexOf(HEADER_START);
      if (start < 0) {
        // Nothing that starts a frame: keep only what could be the beginning of a header.
        if (this.pending.length > 32) this.skip('bytes outside any frame', this.pending.length - 32);
        return;
      }
      if (start > 0) { this.skip('bytes before a frame header', start); continue; }
      // latin1 maps bytes to characters one to one: indexes are byte offsets.
      const text = this.pending.toString('latin1', 0, Math.min(this.pending.length, MAX_HEADER_BYTES + 4));
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.pending.length > MAX_HEADER_BYTES) this.skip('a header without an end', 1);
        return;
      }
      const length = /^Content-Length:[ \t]*(\d+)[ \t]*(?:\r\n|$)/im.exec(text.slice(0, end));
      const size = length ? Number(length[1]) : NaN;
      if (!(size >= 0 && size <= MAX_MESSAGE_BYTES)) { this.skip(`a Content-Length of ${length?.[1] ?? 'nothing'}`, 1); continue; }
      const bodyStart = end + 4;
      const available = this.pending.subarray(bodyStart, bodyStart + size);
      const stray = available.toString('latin1').search(HEADER_IN_BODY);
      if (stray >= 0) { this.skip('a frame shorter than its Content-Length', bodyStart + stray); continue; }
      if (available.length < size) return;
      const body = this.pending.subarray(bodyStart, bodyStart + size);
      this.pending = this.pending.subarray(bodyStart + size);
      try { JSON.parse(body.toString('utf8')); } catch {
        // A frame longer than its Content-Length leaves its tail before the next header: dropped above.
        this.dropped++; this.onDrop('a body that is not JSON'); continue;
      }
      this.push(Buffer.concat([Buffer.from(`Content-Length: ${size}\r\n\r\n`, 'ascii'), body]));
    }
  }
}
