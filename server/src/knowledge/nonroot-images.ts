import type { ImageRef } from '../model/common';

/**
 * Images whose publisher sets a non-root USER, so an image built FROM them without its own USER does not run as
 * root. Kept by hand from each publisher's Dockerfile; add an entry only when the default user is non-root for
 * every tag (a variant that is root by default, such as a `-root` tag, is listed in ROOT_TAG).
 * Keys are repositories without registry for Docker Hub, with registry otherwise; a trailing `/*` covers a namespace.
 */
const NON_ROOT_REPOSITORIES: readonly string[] = [
  // Elastic (uid 1000: elasticsearch, kibana, logstash, the beats and agent users).
  'docker.elastic.co/elasticsearch/elasticsearch', 'docker.elastic.co/kibana/kibana', 'docker.elastic.co/logstash/logstash',
  'docker.elastic.co/beats/*', 'docker.elastic.co/elastic-agent/elastic-agent', 'docker.elastic.co/apm/apm-server',
  'elasticsearch', 'kibana', 'logstash',
  // Grafana Labs (grafana 472, k6 12345, loki/tempo/mimir 10001).
  'grafana/grafana', 'grafana/grafana-oss', 'grafana/grafana-enterprise', 'grafana/k6', 'grafana/loki', 'grafana/tempo',
  'grafana/mimir', 'grafana/promtail',
  // Prometheus (nobody).
  'prom/prometheus', 'prom/alertmanager', 'prom/node-exporter', 'prom/blackbox-exporter', 'prom/pushgateway',
  'quay.io/prometheus/*',
  // Others that switch user in their own Dockerfile.
  'jenkins/jenkins', 'sonarqube', 'nginxinc/nginx-unprivileged', 'quay.io/keycloak/keycloak', 'n8nio/n8n',
  'docker.n8n.io/n8nio/n8n', 'mattermost/mattermost-team-edition', 'mattermost/mattermost-enterprise-edition',
  'bitnami/*', 'cgr.dev/chainguard/*',
  // curl_user; Strimzi's operator, Kafka, bridge and drain-cleaner images (1001).
  'curlimages/curl', 'quay.io/strimzi/*',
];

/** Tags that select a root variant of an otherwise non-root image (`:latest-dev` of Chainguard, `-root`). */
const ROOT_TAG = /(?:^|-)(?:root|dev)$/;

function key(ref: ImageRef): string {
  const registry = ref.registry && !/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)$/.test(ref.registry) ? `${ref.registry}/` : '';
  const repository = ref.repository.toLowerCase().replace(/^library\//, '');
  return `${registry.toLowerCase()}${repository}`;
}

/** The image runs as a non-root user unless told otherwise (its publisher's USER, or a `nonroot` distroless tag). */
export function runsAsNonRootUpstream(ref: ImageRef): boolean {
  if (ref.dynamic && !ref.repository) return false;
  const tag = ref.tag?.toLowerCase() ?? '';
  // Distroless and similar publish the non-root variant under a `nonroot` tag (`:nonroot`, `:debug-nonroot`, `-nonroot`).
  if (/(?:^|[-_.])nonroot(?:$|[-_.])/.test(tag)) return true;
  if (ROOT_TAG.test(tag)) return false;
  const k = key(ref);
  return NON_ROOT_REPOSITORIES.some((entry) => entry.endsWith('/*') ? k.startsWith(entry.slice(0, -1)) : k === entry);
}
