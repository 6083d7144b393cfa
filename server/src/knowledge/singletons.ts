import type { ImageRef } from '../model/common';
import { imageBaseName } from './image';

/**
 * Workloads that run one copy by design, so "run 2 replicas" is wrong advice: controllers that list the whole
 * cluster (kube-state-metrics would export every series twice), apps keeping their state in a local store by
 * default (Grafana's SQLite, OpenLDAP's directory).
 */
const SINGLETON_IMAGES = new Set(['kube-state-metrics', 'grafana', 'openldap', 'ldap', 'slapd']);

export function isSingletonImage(image: ImageRef): boolean {
  return !image.dynamic && SINGLETON_IMAGES.has(imageBaseName(image));
}

/** `--leader-elect`, `--leader-election`, `--enable-leader-election`: only the elected copy works. */
const LEADER_ELECTION = /^--?(?:enable-)?leader-elect(?:ion)?(?:=(?:true|1))?$/i;

export function electsLeader(words: readonly string[]): boolean {
  return words.some((w) => LEADER_ELECTION.test(w.trim()));
}

/** Volume names that say the pod keeps its data in them (`data`, `ldap-data`, `storage`, `db`). */
export const DATA_VOLUME_NAME = /(?:^|[-_])(?:data|storage|db|database|state)(?:[-_]|$)/i;
