import type { ImageRef } from '../model/common';
import type { Range } from '../model/range';
import { isDynamicText } from './interpolation';

/** Splits `registry/repo/name:tag@sha256:...` into parts (Docker's reference grammar, leniently). */
export function parseImageRef(raw: string, range: Range, dynamic = isDynamicText(raw)): ImageRef {
  let rest = raw.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) { digest = rest.slice(at + 1); rest = rest.slice(0, at); }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) { tag = rest.slice(colon + 1); rest = rest.slice(0, colon); }
  let registry: string | undefined;
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') { registry = first; rest = rest.slice(slash + 1); }
  }
  return { raw, range, registry, repository: rest, tag: tag || undefined, digest: digest || undefined, dynamic };
}

/** Last path component of the repository (`bitnami/postgresql` → `postgresql`). */
export function imageBaseName(ref: ImageRef): string {
  const parts = ref.repository.toLowerCase().split('/');
  return parts[parts.length - 1];
}

/** The tag is missing or `latest` (and the reference is not pinned by digest). */
export function isUnpinned(ref: ImageRef): boolean {
  if (ref.dynamic || ref.digest) return false;
  return !ref.tag || ref.tag.toLowerCase() === 'latest';
}

/** A placeholder a build or the reader replaces (`{IMAGE}`, `<image>`, `registry.example.com/app`), not an image to judge. */
export function isPlaceholderImage(ref: ImageRef): boolean {
  return /[<>{}]/.test(ref.raw) || /(?:^|\.)example\.(?:com|org|net)$|\.(?:test|invalid|example)$/i.test(ref.registry ?? '');
}
