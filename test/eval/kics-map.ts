/**
 * Which KICS queries measure which Seaworthy rules: the single source of truth for `npm run eval`.
 *
 * Rule authors: when your rule shares a KICS query's policy, add (or un-plan) its entry below.
 * "Shares the policy" means: every KICS positive of that query is something your rule should flag,
 * and every KICS negative is something it should leave alone. When KICS flags things we consider
 * correct, list the query in NOT_SHARED instead (with the reason), so nobody maps it later by mistake.
 *
 * Query keys are `<kind>/<query folder>` as in corpus/labeled/kics/index.json.
 * `planned: true` marks a rule id that is not in allRules yet (the unit test rejects unknown ids
 * without it, to catch typos); the eval prints such rules as "not implemented" and tells you when the
 * flag can go. Planned ids and categories of later categories are placeholders: rename them when the
 * rule lands with another id.
 */
import type { Category } from '../../server/src/engine/rule';

export type KicsKind = 'dockerfile' | 'dockerCompose' | 'k8s' | 'common';

export interface RuleMapping {
  rule: string;
  /** Used for the per-category numbers; must equal the rule's own category once it exists. */
  category: Category;
  queries: string[];
  planned?: true;
  note?: string;
}

export const KICS_MAP: readonly RuleMapping[] = [
  // secrets: KICS tests all live in one common query; each of our secret rules covers part of it.
  { rule: 'hardcoded-secret', category: 'secrets', queries: ['common/passwords_and_secrets'] },
  { rule: 'secret-in-command', category: 'secrets', queries: ['common/passwords_and_secrets'] },
  { rule: 'committed-secret-manifest', category: 'secrets', queries: ['common/passwords_and_secrets'], note: 'positive1.yaml: a Secret with stringData; positive35.yaml: a kubeconfig' },
  { rule: 'secret-in-configmap', category: 'secrets', queries: ['common/passwords_and_secrets'] },

  // dependencies
  {
    rule: 'unpinned-image', category: 'dependencies',
    queries: ['dockerfile/image_version_not_explicit', 'dockerfile/image_version_using_latest', 'k8s/invalid_image'],
  },
  {
    rule: 'unpinned-package', category: 'dependencies',
    queries: [
      'dockerfile/apt_get_install_pin_version_not_defined', 'dockerfile/unpinned_package_version_in_apk_add',
      'dockerfile/unpinned_package_version_in_pip_install', 'dockerfile/npm_install_without_pinned_version',
      'dockerfile/gem_install_without_version', 'dockerfile/yum_install_without_version',
      'dockerfile/zypper_install_without_version', 'dockerfile/missing_version_specification_in_dnf_install',
    ],
  },

  // host-daemon
  { rule: 'host-socket-mount', category: 'host-daemon', queries: ['dockerCompose/docker_socket_mounted_in_container', 'k8s/docker_daemon_socket_is_exposed_to_containers'] },
  {
    rule: 'privileged-container', category: 'host-daemon',
    queries: ['dockerCompose/privileged_containers_enabled', 'k8s/container_is_privileged', 'k8s/psp_set_to_privileged'],
    note: 'psp_set_to_privileged: a PodSecurityPolicy that allows privileged pods',
  },
  {
    rule: 'host-namespace', category: 'host-daemon',
    queries: [
      'dockerCompose/host_namespace_is_shared', 'dockerCompose/shared_host_ipc_namespace',
      'dockerCompose/shared_host_network_namespace', 'dockerCompose/shared_host_user_namespace',
      'k8s/shared_host_ipc_namespace', 'k8s/shared_host_network_namespace', 'k8s/shared_host_pid_namespace',
      'k8s/psp_allows_sharing_host_ipc', 'k8s/psp_allows_sharing_host_pid', 'k8s/psp_containers_share_host_network_namespace',
    ],
  },
  // Despite its name, this query flags workloads that DO set hostPort.
  { rule: 'host-port', category: 'host-daemon', queries: ['k8s/workload_host_port_not_specified'] },
  { rule: 'ssh-server', category: 'host-daemon', queries: ['dockerfile/exposing_port_22'] },

  // Later categories: ids and categories are placeholders until the rules exist.
  // backing-services: healthchecks and probes have one owner each.
  { rule: 'missing-healthcheck', category: 'backing-services', queries: ['dockerfile/healthcheck_instruction_missing', 'dockerCompose/healthcheck_not_set'] },
  { rule: 'missing-probes', category: 'backing-services', queries: ['k8s/liveness_probe_is_not_defined', 'k8s/readiness_probe_is_not_configured'] },
  // security
  { rule: 'runs-as-root', category: 'security', queries: ['dockerfile/last_user_is_root', 'dockerfile/missing_user_instruction', 'k8s/containers_running_as_root'] },
  { rule: 'privilege-escalation', category: 'security', queries: ['k8s/privilege_escalation_allowed'] },
  { rule: 'writable-root-filesystem', category: 'security', queries: ['k8s/root_container_not_mounted_as_read_only'] },
  { rule: 'added-capabilities', category: 'security', queries: ['k8s/containers_with_added_capabilities', 'k8s/containers_with_sys_admin_capabilities', 'k8s/psp_with_added_capabilities'] },
  { rule: 'sudo-in-image', category: 'security', queries: ['dockerfile/run_using_sudo'] },
  // resources: memory limits and CPU/memory requests; CPU limits are deliberately not asked for (see NOT_SHARED).
  {
    rule: 'missing-resource-limits', category: 'resources',
    queries: ['k8s/memory_limits_not_defined', 'dockerCompose/memory_not_limited'],
  },
  { rule: 'missing-pids-limit', category: 'resources', queries: ['dockerCompose/pids_limit_not_set'], note: 'an explicit pids_limit: -1 is accepted as a decision' },
  { rule: 'invalid-port', category: 'port-binding', queries: ['dockerfile/unix_ports_out_of_range'] },
  { rule: 'add-instead-of-copy', category: 'build-run', queries: ['dockerfile/add_instead_of_copy'] },
  { rule: 'deprecated-maintainer', category: 'versioning', queries: ['dockerfile/maintainer_instruction_being_used'] },
  { rule: 'shell-form-command', category: 'observability', queries: ['dockerfile/not_using_json_in_cmd_and_entrypoint_arguments'], note: 'shell form: PID 1 is sh, SIGTERM never reaches the app' },
  { rule: 'package-cache-in-layer', category: 'build-run', queries: ['dockerfile/apt_get_install_lists_were_not_deleted', 'dockerfile/apk_add_using_local_cache_path', 'dockerfile/yum_clean_all_missing', 'dockerfile/missing_dnf_clean_all', 'dockerfile/missing_zypper_clean', 'dockerfile/pip_install_keeping_cached_packages'] },
];

export interface NotShared {
  why: string;
  /**
   * KICS flags what we recommend: rules of this category must stay silent on the query's positives
   * too (the eval counts their findings there as false positives).
   */
  contrary?: Category;
}

/** Queries in our topics whose policy we deliberately do not share. */
export const NOT_SHARED: Readonly<Record<string, NotShared>> = {
  'k8s/secrets_as_environment_variables': { why: 'flags every secretKeyRef/secretRef env: that is how we tell users to pass secrets', contrary: 'secrets' },
  'k8s/using_kubernetes_native_secret_management': { why: 'flags any kind: Secret in favour of external secret stores; we only flag Secrets with committed values' },
  'k8s/rbac_roles_with_read_secrets_permissions': { why: 'RBAC review, not a container-configuration hazard' },
  'k8s/service_account_allows_access_secrets': { why: 'RBAC review, not a container-configuration hazard' },
  'k8s/image_without_digest': { why: 'we accept version tags; its only positive is an unexpanded $VARIABLE image' },
  'k8s/image_pull_policy_of_container_is_not_always': { why: 'pull policy is not pinning; a pinned tag with IfNotPresent is fine' },
  'k8s/statefulset_requests_storage': { why: 'a StatefulSet with volumeClaimTemplates is the right home for state', contrary: 'state' },
  'k8s/non_kube_system_pod_with_host_mount': { why: 'any hostPath; we flag daemon sockets and state on the node, not every host mount' },
  'dockerCompose/volume_has_sensitive_host_directory': { why: 'any bind under /etc, /var or /var/lib (/etc/exercise, /var/lib/backup/data); sensitive-host-mount flags the host\'s own state (/etc as a whole, /proc, /var/lib/docker, ...), not application folders placed there' },
  'k8s/workload_mounting_with_sensitive_os_directory': { why: 'any hostPath under /etc or /var (/etc/nginx, /var/redis/data, /var/local/static); sensitive-host-mount flags the host\'s own state, not application folders placed there' },
  'k8s/volume_mount_with_os_directory_write_permissions': { why: 'judges the container-side mountPath (/bin, /var/run inside the container), not what the host exposes' },
  'dockerfile/run_using_wget_and_curl': { why: 'style (two download tools), not curl | sh' },
  'dockerfile/shell_running_a_pipe_without_pipefail_flag': { why: 'pipefail hygiene, not curl | sh' },
  'dockerfile/run_utilities_and_posix_commands': { why: 'interactive utilities in RUN are harmless at run time' },
  'dockerfile/curl_or_wget_instead_of_add': { why: 'KICS prefers curl over ADD <url>; we do not rank the two' },
  'dockerCompose/restart_policy_on_failure_not_set_to_5': { why: 'CIS on-failure:5 recommendation; restart: always/unless-stopped are fine' },
  'dockerCompose/privileged_ports_mapped_in_container': { why: 'host ports below 1024 are a host-side choice, not a container hazard' },
  'dockerCompose/volume_mounted_in_multiple_containers': { why: 'sharing a named volume is a design choice' },
  ...Object.fromEntries(['k8s/cpu_requests_not_set', 'k8s/memory_requests_not_defined'].map((q) => [q, {
    why: 'also flags requests that a limit implies (Kubernetes copies a limit into a missing request): 4 of 4 and 2 of 5 positives; missing-resource-requests only flags resources with neither',
  }])),
  'k8s/cpu_limits_not_set': { why: 'CPU limits throttle latency-sensitive services even on idle nodes; we ask for a CPU request (missing-resource-requests) instead' },
  'dockerCompose/cpus_not_limited': { why: 'CPU is shared fairly between containers without limits; we ask for a memory limit only' },
  'dockerCompose/container_traffic_not_bound_to_host_interface': { why: 'flags every published port; database-port-published only flags datastores, caches and queues reachable from outside the host' },
  'k8s/incorrect_volume_claim_access_mode_read_write_once': { why: 'asks StatefulSet claim templates for ReadWriteOnce; rwo-volume-shared flags one ReadWriteOnce claim shared by several Deployment replicas' },
};

/** Splits `kind/query` into its parts. */
export function splitQuery(key: string): { kind: KicsKind; query: string } {
  const i = key.indexOf('/');
  return { kind: key.slice(0, i) as KicsKind, query: key.slice(i + 1) };
}

/** Every mapped query with the rules measured on it and its category. */
export function mappedQueries(map: readonly RuleMapping[] = KICS_MAP): Map<string, { rules: RuleMapping[]; category: Category }> {
  const out = new Map<string, { rules: RuleMapping[]; category: Category }>();
  for (const m of map) {
    for (const q of m.queries) {
      const e = out.get(q) ?? { rules: [], category: m.category };
      e.rules.push(m);
      out.set(q, e);
    }
  }
  return out;
}

/**
 * Findings on KICS test files that a person checked and found right although KICS lists none there:
 * the file also has another query's problem (most test files do), or our policy is deliberately
 * stricter. The eval prints them as "reviewed" and does not count them as extra findings or false
 * positives. Match as narrowly as you can (`line` when the file has several findings of the rule).
 * `file` is relative to corpus/labeled/kics.
 */
export interface Reviewed { file: string; rule: string; line?: number; why: string }

export const REVIEWED: readonly Reviewed[] = [
  ...['negative.dockerfile', 'negative2.dockerfile', 'negative3.dockerfile'].map((f) => ({
    file: `dockerfile/apt_get_install_pin_version_not_defined/${f}`, rule: 'unpinned-image', why: 'FROM busybox* has no tag (image_version_not_explicit)',
  })),
  { file: 'dockerfile/missing_version_specification_in_dnf_install/negative.dockerfile', rule: 'unpinned-image', why: 'FROM fedora:latest (image_version_using_latest)' },
  ...['image_version_not_explicit/negative1', 'image_version_using_latest/negative', 'gem_install_without_version/negative', 'gem_install_without_version/positive'].map((f) => ({
    file: `dockerfile/${f}.dockerfile`, rule: 'unpinned-package', line: 2, why: 'apk add py2-pip has no version (unpinned_package_version_in_apk_add)',
  })),
  ...[3, 5].map((line) => ({
    file: 'dockerfile/npm_install_without_pinned_version/negative1.dockerfile', rule: 'unpinned-package', line,
    why: 'stricter than KICS: sax@latest is not a pinned version',
  })),
  { file: 'dockerfile/npm_install_without_pinned_version/negative1.dockerfile', rule: 'unpinned-package', line: 6, why: 'stricter than KICS: git://github.com/npm/cli.git names no tag or commit, so it installs the default branch head' },
  { file: 'dockerfile/npm_install_without_pinned_version/negative1.dockerfile', rule: 'unpinned-package', line: 7, why: 'stricter than KICS: #semver:^5.0 is a range resolved against the repository tags at install time' },
  { file: 'dockerCompose/shared_host_network_namespace/negative1.yaml', rule: 'privileged-container', why: 'privileged: true (privileged_containers_enabled)' },
  ...['negative.yaml', 'positive.yaml'].flatMap((f) => [
    { file: `k8s/psp_containers_share_host_network_namespace/${f}`, rule: 'host-namespace', line: 18, why: 'hostIPC: true (psp_allows_sharing_host_ipc)' },
    { file: `k8s/psp_containers_share_host_network_namespace/${f}`, rule: 'host-namespace', line: 19, why: 'hostPID: true (psp_allows_sharing_host_pid)' },
  ]),
  { file: 'k8s/psp_containers_share_host_network_namespace/negative.yaml', rule: 'privileged-container', line: 8, why: 'privileged: true (psp_set_to_privileged)' },
  { file: 'dockerCompose/shared_host_user_namespace/positive1.yaml', rule: 'host-namespace', line: 7, why: 'network_mode: host (shared_host_network_namespace)' },
  { file: 'dockerCompose/shared_host_user_namespace/positive1.yaml', rule: 'host-namespace', line: 8, why: 'pid: host (host_namespace_is_shared)' },
  { file: 'k8s/memory_limits_not_defined/negative1.yaml', rule: 'missing-resource-requests', why: 'no CPU request or limit (cpu_requests_not_set)' },
  ...['negative1.yaml', 'negative2.yaml'].map((f) => ({ file: `dockerCompose/memory_not_limited/${f}`, rule: 'missing-pids-limit', why: 'no pids_limit (pids_limit_not_set)' })),
  // Hardening a minimal KICS file leaves out: right by our policy (info findings), unlisted by KICS.
  ...([
    ['k8s/containers_running_as_root/negative1.yaml', 'writable-root-filesystem'], ['k8s/containers_running_as_root/negative2.yaml', 'privilege-escalation'],
    ['k8s/containers_running_as_root/negative2.yaml', 'writable-root-filesystem'], ['k8s/containers_running_as_root/negative3.yaml', 'privilege-escalation'],
    ['k8s/containers_running_as_root/negative3.yaml', 'writable-root-filesystem'], ['k8s/privilege_escalation_allowed/negative.yaml', 'runs-as-root'],
    ['k8s/privilege_escalation_allowed/negative.yaml', 'writable-root-filesystem'], ['k8s/root_container_not_mounted_as_read_only/negative.yaml', 'privilege-escalation'],
    ['k8s/root_container_not_mounted_as_read_only/negative.yaml', 'runs-as-root'], ['k8s/containers_with_added_capabilities/negative1.yaml', 'runs-as-root'],
    ['k8s/containers_with_added_capabilities/negative1.yaml', 'writable-root-filesystem'], ['k8s/containers_with_added_capabilities/negative2.yaml', 'runs-as-root'],
    ['k8s/containers_with_added_capabilities/negative2.yaml', 'writable-root-filesystem'], ['k8s/containers_with_sys_admin_capabilities/negative.yaml', 'runs-as-root'],
    ['k8s/containers_with_sys_admin_capabilities/negative.yaml', 'writable-root-filesystem'],
  ] as const).map(([file, rule]) => ({ file, rule, why: 'the container sets no runAsNonRoot / allowPrivilegeEscalation: false / readOnlyRootFilesystem (info hardening findings; KICS checks these in other queries)' })),
  { file: 'dockerfile/run_using_sudo/negative.dockerfile', rule: 'runs-as-root', why: 'no USER instruction (missing_user_instruction)' },
  { file: 'dockerfile/maintainer_instruction_being_used/negative.dockerfile', rule: 'missing-image-labels', why: 'no OCI version labels (info; hadolint DL3049 with a label schema)' },
  { file: 'dockerfile/add_instead_of_copy/negative.dockerfile', rule: 'remote-add', why: 'ADD of a plain-http URL with no checksum (KICS curl_or_wget_instead_of_add has the opposite policy)' },
  ...([
    ['dockerfile/image_version_not_explicit/negative1.dockerfile', 3], ['dockerfile/image_version_using_latest/negative.dockerfile', 3],
    ['dockerfile/unpinned_package_version_in_apk_add/negative.dockerfile', 3], ['dockerfile/unpinned_package_version_in_apk_add/negative.dockerfile', 14],
    ['dockerfile/unpinned_package_version_in_apk_add/negative2.dockerfile', 3], ['dockerfile/unpinned_package_version_in_apk_add/negative2.dockerfile', 15],
  ] as const).map(([file, line]) => ({ file, rule: 'unpinned-package', line, why: '`pip install --upgrade pip` is unpinned (info: upgrading the installer itself); KICS pip policy flags `pip install --user pip` too' })),
  ...([['apt_get_install_lists_were_not_deleted/negative.dockerfile', 7], ['apt_get_install_lists_were_not_deleted/negative.dockerfile', 10], ['apt_get_install_lists_were_not_deleted/negative2.dockerfile', 8]] as const)
    .map(([f, line]) => ({ file: `dockerfile/${f}`, rule: 'package-cache-in-layer', line, why: '`apt-get clean` alone keeps /var/lib/apt/lists (stricter than KICS on purpose)' })),
  { file: 'dockerfile/yum_clean_all_missing/negative.dockerfile', rule: 'package-cache-in-layer', line: 2, why: '`apk add --update` leaves the apk index in the layer (apk_add_using_local_cache_path)' },
];
