import { CATEGORIES, Category, Principle } from '../engine/rule';

/**
 * The report's structure: the practices of a resilient production environment. A rule lands in the section
 * its principle names when that principle is an operational practice of its own (rollout, logs, backups,
 * disaster recovery), else in its category's section, so a new rule lands in the report without touching
 * this file (never by rule id). Sections nothing maps to yet still appear: the user reviews them by hand.
 */
export const SECTION_IDS = [
  'codebase', 'dependencies', 'config', 'backing-services', 'build-run', 'processes', 'port-binding', 'concurrency',
  'backups', 'rollout', 'debugging', 'monitoring', 'versioning', 'disaster-recovery', 'resource-planning',
] as const;
export type SectionId = (typeof SECTION_IDS)[number];

export interface SectionInfo {
  id: SectionId;
  title: string;
  /** What good looks like: shown next to the findings, and alone when there are none. */
  good: string;
}

export const SECTIONS: readonly SectionInfo[] = [
  { id: 'codebase', title: 'One codebase', good: 'One repository builds every service; the same Dockerfiles and manifests deploy to every environment, differing only in configuration.' },
  { id: 'dependencies', title: 'Declared dependencies', good: 'Base images and packages are pinned to versions (or digests), installed at build time, and every service lists the services it talks to.' },
  { id: 'config', title: 'Config in the environment (secrets included)', good: 'No password, token or key is written in a Dockerfile, Compose file or manifest; values come from the environment, an untracked .env, Compose secrets or Kubernetes Secrets, and every file or object referenced exists.' },
  { id: 'backing-services', title: 'Backing services that survive outages', good: 'Databases, caches and queues are attached by URL from configuration, start in order with health checks, and the app retries when they are briefly gone.' },
  { id: 'build-run', title: 'Separate build and run', good: 'Images are built once in CI from committed files and promoted unchanged; nothing is compiled or installed when a container starts.' },
  { id: 'processes', title: 'Stateless, self-contained processes', good: 'Containers keep no data of their own (it lives in volumes or backing services), run one process each, and need nothing from the host: no daemon socket, privileged mode or host namespaces.' },
  { id: 'port-binding', title: 'Port binding', good: 'Each service listens on a port it declares; the platform decides how it is published, without fixed host ports.' },
  { id: 'concurrency', title: 'Scale out by processes', good: 'Any service can run as several replicas side by side: no host ports, host networking or per-node singletons in the way.' },
  { id: 'backups', title: 'Backups', good: 'Every persistent volume holding data has a backup schedule and a tested restore.' },
  { id: 'rollout', title: 'Rollout', good: 'Deployments roll out gradually behind readiness checks, and a bad release rolls back with one command.' },
  { id: 'debugging', title: 'Debugging and reporting', good: 'Logs go to stdout/stderr as an event stream; investigations use `docker exec` / `kubectl debug`, not SSH into containers.' },
  { id: 'monitoring', title: 'Monitoring', good: 'Every long-running service has a health check or liveness/readiness probes, and exposes metrics the platform scrapes.' },
  { id: 'versioning', title: 'Version management', good: 'Every deployed image has an immutable version (tag or digest) that traces back to a commit.' },
  { id: 'disaster-recovery', title: 'Disaster recovery', good: 'The whole environment can be recreated from the repository and backups on a new host or cluster.' },
  { id: 'resource-planning', title: 'Resource planning', good: 'Every container declares CPU and memory requests and limits sized from measurements.' },
];

/** The single section of each category (a compile error here means a new category needs a home). */
export const CATEGORY_SECTION: Record<Category, SectionId> = {
  secrets: 'config',
  config: 'config',
  dependencies: 'dependencies',
  state: 'processes',
  'host-daemon': 'processes',
  security: 'processes',
  'backing-services': 'backing-services',
  'build-run': 'build-run',
  'port-binding': 'port-binding',
  scaling: 'concurrency',
  codebase: 'codebase',
  observability: 'monitoring',
  resources: 'resource-planning',
  versioning: 'versioning',
};

/**
 * Principles that are a report section by themselves: a rule serving one of these (e.g. a rollout strategy
 * rule filed under `versioning`) is scored where the user looks for that practice.
 */
export const PRINCIPLE_SECTION: Partial<Record<Principle, SectionId>> = {
  rollout: 'rollout',
  logs: 'debugging',
  backups: 'backups',
  'disaster-recovery': 'disaster-recovery',
};

/** The section of a rule (by its metadata: principle, then category). */
export function sectionIdOf(rule: { category: Category; principle: Principle }): SectionId {
  return PRINCIPLE_SECTION[rule.principle] ?? CATEGORY_SECTION[rule.category];
}

export function sectionOf(rule: { category: Category; principle: Principle }): SectionInfo {
  const id = sectionIdOf(rule);
  return SECTIONS.find((s) => s.id === id)!;
}

/** Categories whose rules land (at least partly) in a section. */
export function categoriesOf(section: SectionId, rules: readonly { category: Category; principle: Principle }[]): Category[] {
  return CATEGORIES.filter((c) => rules.some((r) => r.category === c && sectionIdOf(r) === section));
}
