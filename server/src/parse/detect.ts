import type { FileKind } from '../model/common';
import { looksLikeCompose } from './compose';
import { looksLikeKubernetes } from './kubernetes';
import { isEnvFileName } from './env';

const DOCKERFILE_NAME = /^(?:(?:Docker|Container)file(?:\.[^.]+)*|.+\.(?:dockerfile|containerfile))$/i;
const NOT_DOCKERFILE_EXT = /\.(?:md|txt|rst|adoc|html?|json|ya?ml|sh|bak|orig|swp|dockerignore)$/i;
const COMPOSE_NAME = /^(?:docker-)?compose(?:[.-][^/]*)?\.ya?ml$/i;
const YAML_EXT = /\.(?:ya?ml|json)$/i;

export function baseName(path: string): string {
  const p = path.replace(/\\/g, '/');
  return p.slice(p.lastIndexOf('/') + 1);
}

/** kustomize's own file: a Kubernetes document even without `apiVersion`/`kind`, which kustomize does not require. */
export function isKustomizationPath(path: string): boolean {
  return /^kustomization\.ya?ml$/.test(baseName(path));
}

export function isHelmTemplatePath(path: string): boolean {
  return /(^|[\\/])templates[\\/]/.test(path);
}

/** Kind a file name alone promises (Dockerfile and Compose names); undefined when the content must decide. */
export function kindFromName(path: string): FileKind | undefined {
  const name = baseName(path);
  if (DOCKERFILE_NAME.test(name) && !NOT_DOCKERFILE_EXT.test(name)) return 'dockerfile';
  if (COMPOSE_NAME.test(name)) return 'compose';
  if (isEnvFileName(name)) return 'env';
  return undefined;
}

/** A file that could be one of ours, judged by name only (used to walk directories cheaply). */
export function isCandidatePath(path: string): boolean {
  return kindFromName(path) !== undefined || YAML_EXT.test(baseName(path));
}

/** Decides the kind from the name, then from the content: a top-level `services:` map, or `apiVersion` + `kind`. */
export function detectKind(path: string, text: string): FileKind | undefined {
  const byName = kindFromName(path);
  if (byName) return byName;
  if (!YAML_EXT.test(baseName(path))) return undefined;
  if (isKustomizationPath(path)) return 'kubernetes';
  if (/\.json$/i.test(path)) return /"apiVersion"\s*:/.test(text) && /"kind"\s*:/.test(text) ? 'kubernetes' : undefined;
  if (looksLikeKubernetes(text)) return 'kubernetes';
  if (looksLikeCompose(text) && hasComposeEvidence(text)) return 'compose';
  return undefined;
}

/** Top-level keys only a Compose file has beside `services:` (a Spring or CI file with `services:` has none). */
const COMPOSE_TOP_LEVEL = /^(?:version\s*:\s*["']?[23](?:\.\d+)?["']?\s*(?:#.*)?$|(?:volumes|networks|secrets|configs|include|x-[\w.-]+)\s*:)/m;
/** A service property that makes an entry a container: what to run (`image`, `build`) or whom it extends. */
const SERVICE_CONTAINER_KEY = /^(\s+)(?:image|build|extends)\s*:/;
const CONTAINER_KEY_ANYWHERE = /\b(?:image|build|extends)\s*:/;

/**
 * A top-level `services:` map is not enough to call a file Compose: Spring's `application.yml` and CI
 * files have one too. Compose needs a service with `image`, `build` or `extends` under `services:`, or a
 * top-level key only Compose files have (`version: "3"`, `volumes:`, `networks:`, `secrets:`, `x-…`).
 * Names that promise Compose (compose.yaml, docker-compose.*.yml) never get here (kindFromName).
 */
export function hasComposeEvidence(text: string): boolean {
  if (COMPOSE_TOP_LEVEL.test(text)) return true;
  const lines = text.split(/\r\n|\r|\n/);
  const start = lines.findIndex((l) => /^services\s*:/.test(l));
  if (start < 0) return false;
  const inline = lines[start].replace(/^services\s*:/, '');
  if (CONTAINER_KEY_ANYWHERE.test(inline)) return true;   // services: {web: {image: nginx}}
  let serviceIndent: number | undefined;
  for (const line of lines.slice(start + 1)) {
    if (!line.trim() || /^\s*#/.test(line)) continue;
    if (!/^\s/.test(line)) break;   // the next top-level key ends the services map
    const indent = line.length - line.trimStart().length;
    serviceIndent ??= indent;
    const m = SERVICE_CONTAINER_KEY.exec(line);
    if (m && m[1].length > serviceIndent) return true;
    if (indent === serviceIndent && line.includes('{') && CONTAINER_KEY_ANYWHERE.test(line.slice(line.indexOf('{')))) return true;   // web: {image: nginx}
  }
  return false;
}
