/**
 * The text of a file's bytes. UTF-16 (little- or big-endian) when the file starts with that byte-order
 * mark, as Windows tools (PowerShell's `>`, Notepad's "Unicode") write it; UTF-8 otherwise. The BOM is
 * kept as U+FEFF, like a UTF-8 BOM, so offsets are UTF-16 code units of the text as usual and
 * prepareText neutralises it the same way.
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le', { ignoreBOM: true }).decode(bytes);
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be', { ignoreBOM: true }).decode(bytes);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/**
 * Text that is UTF-16 with a BOM but was decoded as UTF-8 (the BOM's two bytes became U+FFFD and
 * every ASCII character got a NUL beside it): said in words instead of "binary".
 */
export function looksLikeUtf16ReadAsUtf8(text: string): boolean {
  if (!text.startsWith('\uFFFD\uFFFD')) return false;
  const head = text.slice(2, 202);
  const nuls = head.split('\u0000').length - 1;
  return head.length > 0 && nuls * 3 >= head.length;
}
