/**
 * Memory sizes as Kubernetes, Docker Compose, the JVM and Node.js write them, converted to bytes, so
 * rules can compare a heap setting with a container's memory limit. Facts only; undefined means "not
 * a literal size we understand" (templates, variables, typos), which rules must treat as unknown.
 */

const KUBE_SUFFIX: Record<string, number> = {
  '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
  // A milli-byte quantity ("500m") is legal, if odd: it is a thousandth of a byte.
  m: 1e-3,
};

/** A Kubernetes resource quantity for memory (`512Mi`, `1G`, `1e9`, `268435456`) in bytes. */
export function kubeBytes(text: string): number | undefined {
  const m = /^\s*\+?(\d+(?:\.\d+)?|\.\d+)(?:[eE]([+-]?\d+))?([a-zA-Z]{0,2})\s*$/.exec(text);
  if (!m) return undefined;
  const [, num, exp, suffix] = m;
  const factor = KUBE_SUFFIX[suffix];
  if (factor === undefined || (exp !== undefined && suffix)) return undefined;
  return Number(num) * (exp !== undefined ? 10 ** Number(exp) : 1) * factor;
}

const DOCKER_UNIT: Record<string, number> = { '': 1, b: 1, k: 2 ** 10, kb: 2 ** 10, m: 2 ** 20, mb: 2 ** 20, g: 2 ** 30, gb: 2 ** 30, t: 2 ** 40, tb: 2 ** 40 };

/** A Docker/Compose byte value (`512m`, `1g`, `1.5GB`, `268435456`): binary units, case-insensitive. */
export function dockerBytes(text: string): number | undefined {
  // Trimmed first: `\s*` on both sides of an optional unit retried every split of a long blank run.
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]{0,2})$/.exec(text.trim());
  if (!m) return undefined;
  const unit = DOCKER_UNIT[m[2].toLowerCase()];
  return unit === undefined ? undefined : Number(m[1]) * unit;
}

/** A JVM size argument (`-Xmx512m` → `512m`, `2g`, `1024k`, plain bytes). */
export function jvmBytes(text: string): number | undefined {
  const m = /^(\d+)([kKmMgGtT]?)$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2].toLowerCase()]!;
  return Number(m[1]) * unit;
}

/** Bytes as a short human size (`512 MiB`, `1.5 GiB`). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes, i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}

export interface HeapSetting {
  runtime: 'jvm' | 'node';
  /** The flag as written (`-Xmx2g`, `--max-old-space-size=4096`). */
  flag: string;
  /** Offset of the flag inside the scanned text. */
  index: number;
  /** The fixed heap size in bytes, or undefined for a percentage of the container's memory. */
  bytes?: number;
  /** `-XX:MaxRAMPercentage=75.0`: the heap follows the limit. */
  percentage?: number;
}

/**
 * Heap settings in an options string or command line: JVM `-Xmx`, `-XX:MaxHeapSize=`,
 * `-XX:MaxRAMPercentage=` / `-XX:MaxRAMFraction=` / `-XX:MaxRAM=`, and Node's `--max-old-space-size=`
 * (MiB, as flag or inside NODE_OPTIONS). Later settings win, as in both runtimes.
 */
export function heapSettings(text: string): HeapSetting[] {
  const out: HeapSetting[] = [];
  const re = /(?<![\w-])(-Xmx(\S+)|-XX:MaxHeapSize=(\S+)|-XX:MaxRAMPercentage=([\d.]+)|-XX:MaxRAMFraction=(\d+)|-XX:MaxRAM=(\S+)|--max[-_]old[-_]space[-_]size(?:=|\s+)(\d+))/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const [flag, , xmx, maxHeap, pct, fraction, maxRam, node] = m;
    if (node !== undefined) out.push({ runtime: 'node', flag, index: m.index, bytes: Number(node) * 2 ** 20 });
    else if (pct !== undefined) out.push({ runtime: 'jvm', flag, index: m.index, percentage: Number(pct) });
    else if (fraction !== undefined) out.push({ runtime: 'jvm', flag, index: m.index, percentage: Number(fraction) > 0 ? 100 / Number(fraction) : undefined });
    else {
      // -XX:MaxRAM caps the memory the JVM believes it has; the heap is a quarter of it by default.
      const size = jvmBytes(xmx ?? maxHeap ?? maxRam ?? '');
      if (maxRam !== undefined) out.push({ runtime: 'jvm', flag, index: m.index, percentage: undefined, bytes: size !== undefined ? size / 4 : undefined });
      else out.push({ runtime: 'jvm', flag, index: m.index, bytes: size });
    }
  }
  return out;
}

/** Environment variables the JVM reads its options from (directly or through common launch scripts). */
export const JVM_OPTION_VARIABLES = new Set(['JAVA_OPTS', 'JAVA_TOOL_OPTIONS', 'JDK_JAVA_OPTIONS', '_JAVA_OPTIONS', 'CATALINA_OPTS', 'JVM_OPTS', 'ES_JAVA_OPTS', 'OPENSEARCH_JAVA_OPTS', 'KAFKA_HEAP_OPTS', 'LS_JAVA_OPTS']);

/**
 * A memory limit that leaves a fixed heap a quarter of headroom (at least `floorBytes`), rounded up to
 * 256 MiB, for fixes that add a limit to a container whose heap is already set.
 */
export function limitForHeap(texts: string[], floorBytes: number): number {
  const heap = Math.max(0, ...texts.flatMap((t) => heapSettings(t)).map((h) => h.bytes ?? 0));
  const step = 256 * 2 ** 20;
  return Math.max(floorBytes, Math.ceil(heap / 0.75 / step) * step);
}

