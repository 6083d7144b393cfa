import type { FileKind } from '../model/common';
import { looksLikeCompose } from './compose';
import { looksLikeKubernetes } from './kubernetes';

const DOCKERFILE_NAME = /^(?:(?:Docker|Container)file(?:\.[^.]+)*|.+\.(?:dockerfile|containerfile))$/i;
const NOT_DOCKERFILE_EXT = /\.(?:md|txt|rst|adoc|html?|json|ya?ml|sh|bak|orig|swp)$/i;
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
  if (looksLikeCompose(text)) return 'compose';
  return undefined;
}
