/** Synthetic inputs of controlled size for the per-edit benchmarks (realistic shapes, not random text). */
export function dockerfile(lines: number): string {
  const out = ['# syntax=docker/dockerfile:1', 'FROM node:20.11-bookworm-slim AS build', 'WORKDIR /src', 'COPY package.json package-lock.json ./'];
  let i = 0;
  while (out.length < lines - 6) {
    switch (i++ % 6) {
      case 0: out.push(`ENV FEATURE_${i}=enabled APP_SETTING_${i}="value ${i}"`); break;
      case 1: out.push(`RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10 \\`, `    ca-certificates=20230311 && rm -rf /var/lib/apt/lists/*`); break;
      case 2: out.push(`COPY src/module${i} ./src/module${i}`); break;
      case 3: out.push(`RUN npm ci --omit=dev && npm run build:part${i}`); break;
      case 4: out.push(`LABEL org.opencontainers.image.part${i}="part ${i}"`); break;
      default: out.push(`RUN <<EOF`, `set -eux`, `echo building step ${i}`, `EOF`);
    }
  }
  out.push('FROM node:20.11-bookworm-slim', 'WORKDIR /app', 'COPY --from=build /src/dist ./dist', 'USER node', 'EXPOSE 3000', 'CMD ["node", "dist/server.js"]');
  return out.join('\n') + '\n';
}

export function compose(services: number): string {
  const out = ['name: bench', 'services:'];
  for (let i = 0; i < services; i++) {
    out.push(
      `  svc${i}:`, `    image: registry.example.com/team/svc${i}:1.${i}.0`, '    restart: unless-stopped',
      '    environment:', `      LOG_LEVEL: info`, `      UPSTREAM_URL: http://svc${(i + 1) % services}:8080`, `      DB_PASSWORD: \${DB_PASSWORD}`,
      '    depends_on:', `      svc${(i + 1) % services}:`, '        condition: service_healthy',
      '    healthcheck:', '      test: ["CMD", "wget", "-qO-", "http://localhost:8080/health"]', '      interval: 10s',
      '    ports:', `      - "127.0.0.1:${10000 + i}:8080"`, '    deploy:', '      resources:', '        limits:', '          memory: 256M', '          cpus: "0.5"',
    );
  }
  out.push('volumes:', '  data: {}');
  return out.join('\n') + '\n';
}

export function kubernetes(documents: number): string {
  const docs: string[] = [];
  for (let i = 0; i < documents; i++) {
    if (i % 2 === 0) {
      docs.push([
        'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', `  name: app${i}`, '  labels:', `    app: app${i}`, 'spec:', '  replicas: 3',
        '  selector:', '    matchLabels:', `      app: app${i}`, '  template:', '    metadata:', '      labels:', `        app: app${i}`, '    spec:', '      containers:',
        `        - name: app${i}`, `          image: registry.example.com/team/app${i}:2.${i}.1`, '          ports:', '            - containerPort: 8080',
        '          env:', '            - name: DB_PASSWORD', '              valueFrom:', '                secretKeyRef:', `                  name: app${i}-db`, '                  key: password',
        '          readinessProbe:', '            httpGet: {path: /ready, port: 8080}', '          livenessProbe:', '            httpGet: {path: /health, port: 8080}',
        '          resources:', '            requests: {cpu: 100m, memory: 128Mi}', '            limits: {memory: 256Mi}',
      ].join('\n'));
    } else {
      docs.push(['apiVersion: v1', 'kind: Service', 'metadata:', `  name: app${i - 1}`, 'spec:', '  selector:', `    app: app${i - 1}`, '  ports:', '    - port: 80', '      targetPort: 8080'].join('\n'));
    }
  }
  return docs.join('\n---\n') + '\n';
}

/** A one-character edit in the middle of the text (what a keystroke does). */
export function oneCharEdit(text: string): string {
  const mid = text.indexOf('\n', Math.floor(text.length / 2));
  return text.slice(0, mid) + 'x' + text.slice(mid);
}
