import type { Range, SourceText } from '../../model/range';

/**
 * The range of `secret` inside `outer` when it appears there verbatim exactly once (quotes, block
 * indentation and key prefixes around it do not matter); otherwise `outer` itself.
 */
export function rangeWithin(source: SourceText, outer: Range, secret: string): Range {
  if (!secret) return outer;
  const start = source.offsetAt(outer.start);
  const raw = source.text.slice(start, source.offsetAt(outer.end));
  const at = raw.indexOf(secret);
  if (at < 0 || raw.indexOf(secret, at + 1) >= 0) return outer;
  return source.range(start + at, start + at + secret.length);
}

/** "a token" / "an AWS key": messages name token types that start with any letter. */
export function withArticle(noun: string): string {
  return `${/^[aeiou]/i.test(noun) && !/^(?:uni|use)/i.test(noun) ? 'an' : 'a'} ${noun}`;
}
