import type { ImageRef } from '../model/common';
import type { Range } from '../model/range';
import { isDynamicText, substitute, TEMPLATE_MARK } from './interpolation';

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

/** The tag floats (missing, a channel, a variant without a version) and no digest pins it: unpinned-image reports it. */
export function isUnpinned(ref: ImageRef): boolean {
  if (ref.dynamic) return false;
  return floatingTagOf(ref) !== undefined;
}

/**
 * Channel tags: they name a release train, not a release, and move to the next version by design.
 * `dev`/`test`/`unstable` are channels too: whatever was built last from a branch.
 */
const CHANNEL_TAGS = new Set([
  'latest', 'stable', 'lts', 'current', 'edge', 'nightly', 'mainline', 'rolling', 'unstable', 'canary', 'beta', 'alpha',
  'dev', 'develop', 'development', 'test', 'testing', 'main', 'master', 'next', 'preview', 'rc', 'release', 'snapshot',
]);

/**
 * Distribution codenames: for the distribution's own image (`debian:bookworm`, `ubuntu:noble`) the
 * codename is the release, as `debian:12` is; for any other image (`postgres:bookworm`) it only names
 * the base the floating application version is built on.
 */
const CODENAMES: Record<string, ReadonlySet<string>> = {
  debian: new Set(['buster', 'bullseye', 'bookworm', 'trixie', 'forky', 'sid']),
  ubuntu: new Set(['bionic', 'focal', 'jammy', 'lunar', 'mantic', 'noble', 'oracular', 'plucky', 'questing']),
};

/**
 * Words that name a flavour of an image rather than a release: base distributions and their codenames,
 * libc, web-server and runtime flavours, size and privilege variants. A tag made only of these words
 * (`alpine`, `fpm-alpine`, `slim-bookworm`, `nonroot`) has no version in it. Tags with other words
 * (`foo`, `b`, `override`, `local` in test data, a team's own naming) are left alone: quiet and right.
 */
const VARIANT_WORDS = new Set([
  'alpine', 'slim', 'debian', 'ubuntu', 'bookworm', 'bullseye', 'buster', 'stretch', 'trixie', 'jammy', 'focal', 'noble', 'bionic',
  'ubi', 'ubi8', 'ubi9', 'centos', 'rocky', 'fedora', 'amazonlinux', 'oraclelinux', 'busybox', 'scratch', 'distroless', 'wolfi', 'chainguard',
  'musl', 'glibc', 'uclibc', 'apache', 'fpm', 'cli', 'zts', 'nginx', 'perl', 'otp', 'jdk', 'jre', 'openjdk', 'temurin', 'corretto',
  'nonroot', 'root', 'rootless', 'debug', 'minimal', 'full', 'lite', 'light', 'tiny', 'micro', 'base', 'runtime', 'devel', 'onbuild',
  'management', 'community', 'enterprise', 'oss', 'windowsservercore', 'nanoserver', 'ltsc', 'ce', 'ee', 'server', 'git', 'dind', 'gpu', 'cuda',
]);

export type FloatingTag = 'no-tag' | 'channel' | 'variant';

/**
 * How an image's tag floats, decided by the tag's shape rather than a list of images: no tag (means
 * `latest`), a channel (`stable`, `nightly`, `edge`), or a variant with no version number in it
 * (`alpine`, `alpine-slim`, `apache`, `bookworm`), which follows every new release exactly like
 * `latest`. A version in the image's own name (`static-debian12:nonroot`) counts as one. A tag with a digit anywhere (`16.4-alpine`, `v3`, `alpine3.20`, `sha-1a2b3c`) is a version
 * the publisher chose; a digest pins whatever the tag says.
 */
export function floatingTagOf(ref: ImageRef): FloatingTag | undefined {
  if (ref.digest || /[<>]/.test(ref.raw)) return undefined;
  const tag = ref.tag?.toLowerCase();
  if (!tag) return ref.repository.toLowerCase() === 'scratch' ? undefined : 'no-tag';
  if (CHANNEL_TAGS.has(tag)) return 'channel';
  // A tag that says it stands for a version (`test-inject-proxy-version` in golden test files) is a placeholder.
  if (tag.includes('version')) return undefined;
  // A digit is a version; a variable left in the tag (`latest-kafka-${KAFKA_VERSION}`) may hold one.
  if (/[\d$\uE000{]/.test(tag)) return undefined;
  const base = imageBaseName(ref);
  if (CODENAMES[base]?.has(tag.replace(/-slim$/, ''))) return undefined;
  // The version sits in the name (`distroless/static-debian12:nonroot`): the variant picks a flavour of that release.
  if (/\d/.test(base)) return undefined;
  return tag.split(/[-_.]/).every((w) => VARIANT_WORDS.has(w) || CHANNEL_TAGS.has(w)) ? 'variant' : undefined;
}

/**
 * The reference a `${VAR:-default}` image falls back to when its variables are unset
 * (`app:${TAG:-unstable}` → `app:unstable`), or undefined when a variable has no default.
 */
export function defaultImageOf(ref: ImageRef): ImageRef | undefined {
  if (!ref.dynamic || ref.raw.includes(TEMPLATE_MARK) || ref.raw.includes('{{')) return undefined;
  const resolved = substitute(ref.raw.trim(), new Map());
  if (!resolved || resolved.includes('$')) return undefined;
  return parseImageRef(resolved, ref.range, false);
}

/**
 * A placeholder a build or the reader replaces (`{IMAGE}`, `<image>`, `registry.example.com/app`), not an image to judge.
 * Kubebuilder and Operator SDK scaffolds write `controller:latest` in config/manager, which `make deploy IMG=...` sets.
 */
export function isPlaceholderImage(ref: ImageRef): boolean {
  return /[<>{}]/.test(ref.raw) || /(?:^|\.)example\.(?:com|org|net)$|\.(?:test|invalid|example)$/i.test(ref.registry ?? '')
    || /^controller(?::latest)?$/.test(ref.raw.trim());
}
