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

/**
 * House rule for "a"/"an": the article goes by the sound of the first word. A word read as letters (an
 * initialism in capitals, a lower-case name without a vowel, or one of the few below) takes "an" when
 * its first letter's name starts with a vowel sound (an AWS key, an HTTP password, an SSH key, an SQL
 * password, an npm token; a URL, a GCP key). Capitals read as a word (JSON, YAML) and other words go by
 * their first letter (an OAuth token, a GitHub token), except a "u", "eu" or "one" said with a consonant
 * (a user, a unique key) and a silent "h" (an hour).
 */
export function withArticle(noun: string): string {
  return `${startsWithVowelSound(noun) ? 'an' : 'a'} ${noun}`;
}

/** Capitals said as a word, not letter by letter. */
const SAID_AS_WORDS = new Set(['JSON', 'YAML', 'JWT', 'NATS', 'SAML', 'SOAP', 'REST', 'CORS', 'LDAP', 'GIF']);
/** Lower-case names said letter by letter although they have a vowel (those without one always are: npm, ssh, sql). */
const SAID_AS_LETTERS = new Set(['url', 'uri', 'api', 'aws', 'ecr', 'gcp', 'ip']);
/** Letters whose names start with a vowel sound: "eff", "aitch", "ell", "em", "en", "ar", "ess", "ex" and the vowels but U. */
const VOWEL_LETTERS = /^[aefhilmnorsx]/i;

function startsWithVowelSound(noun: string): boolean {
  const word = /^[\p{L}\p{N}]+/u.exec(noun)?.[0] ?? '';
  if (!word) return false;
  const lower = word === word.toLowerCase();
  const letters = (word.length > 1 && /^[\p{Lu}\p{N}]+$/u.test(word) && !SAID_AS_WORDS.has(word)) || (lower && (SAID_AS_LETTERS.has(word) || !/[aeiouy]/.test(word)));
  if (letters) return VOWEL_LETTERS.test(word);
  if (/^(?:hour|honest|honou?r|heir)/i.test(word)) return true;
  return /^[aeiou]/i.test(word) && !/^(?:uni|use|usu|ure|uti|eu|one|once)/i.test(word);
}
