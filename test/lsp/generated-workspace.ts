import * as fs from 'fs';
import * as path from 'path';

/**
 * A generated workspace of `services` folders, each with a Dockerfile, a Compose file that builds it and
 * a Kubernetes manifest (a ConfigMap and a Deployment that reads it by name): 3 files per service.
 */
export function generateWorkspace(dir: string, services: number): void {
  for (let i = 0; i < services; i++) writeService(dir, i, 0);
}

/** Rewrites one file of service `i` with different content (`generation` tells versions apart). */
export function serviceFile(dir: string, i: number, file: 'Dockerfile' | 'compose.yaml' | 'k8s.yaml'): string {
  return path.join(dir, `svc-${String(i).padStart(4, '0')}`, file);
}

export function rewrite(dir: string, i: number, file: 'Dockerfile' | 'compose.yaml' | 'k8s.yaml', generation: number): string {
  const p = serviceFile(dir, i, file);
  fs.writeFileSync(p, contentOf(i, file, generation));
  return p;
}

function writeService(dir: string, i: number, generation: number): void {
  fs.mkdirSync(path.dirname(serviceFile(dir, i, 'Dockerfile')), { recursive: true });
  for (const f of ['Dockerfile', 'compose.yaml', 'k8s.yaml'] as const) fs.writeFileSync(serviceFile(dir, i, f), contentOf(i, f, generation));
}

function contentOf(i: number, file: 'Dockerfile' | 'compose.yaml' | 'k8s.yaml', generation: number): string {
  const name = `svc-${i}`;
  switch (file) {
    case 'Dockerfile':
      return `FROM node:20.${generation % 10}-alpine\nWORKDIR /app\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n`;
    case 'compose.yaml':
      return `services:\n  ${name}:\n    build: .\n    image: shop/${name}:1.${generation}.0\n    environment:\n      LOG_LEVEL: info\n`;
    case 'k8s.yaml':
      return [
        'apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: ${name}-config`, 'data:', `  generation: "${generation}"`, '---',
        'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', `  name: ${name}`, 'spec:', '  template:', '    spec:', '      containers:',
        `        - name: app`, `          image: shop/${name}:1.${generation}.0`, '          envFrom:', '            - configMapRef:', `                name: ${name}-config`, '',
      ].join('\n');
  }
}
