/**
 * The web tier of a deployment: reverse proxies and load balancers (whose job is to publish host
 * ports and front apps), application servers and runtimes (what sits behind them), and settings that
 * keep user sessions in one process's memory. Shared by the scaling and port-binding rules; facts only.
 */
import type { ImageRef } from '../model/common';
import { imageBaseName } from './image';

/** Images of reverse proxies, load balancers and ingress gateways (base name or `org/name`). */
const PROXY_IMAGES = new Set([
  'nginx', 'nginx-unprivileged', 'nginxinc/nginx-unprivileged', 'openresty', 'openresty/openresty', 'httpd', 'apache', 'caddy', 'haproxy', 'haproxytech/haproxy-alpine',
  'traefik', 'envoy', 'envoyproxy/envoy', 'varnish', 'nginx-proxy', 'nginxproxy/nginx-proxy', 'jwilder/nginx-proxy', 'nginx-proxy-manager',
  'jc21/nginx-proxy-manager', 'kong', 'tyk-gateway', 'pomerium', 'oauth2-proxy', 'cloudflared', 'ngrok', 'squid', 'lighttpd', 'h2o', 'swag',
  'linuxserver/swag', 'letsencrypt-nginx-proxy-companion',
]);

export function isProxyImage(image: ImageRef): boolean {
  if (image.dynamic) return false;
  const repo = image.repository.toLowerCase().replace(/^library\//, '');
  return PROXY_IMAGES.has(repo) || PROXY_IMAGES.has(imageBaseName(image));
}

/** Reverse-proxy server programs as they appear in CMD/ENTRYPOINT. */
export const PROXY_PROGRAMS: Record<string, string> = {
  nginx: 'nginx', openresty: 'OpenResty', httpd: 'Apache httpd', apache2: 'Apache httpd', apache2ctl: 'Apache httpd', apachectl: 'Apache httpd',
  'httpd-foreground': 'Apache httpd', 'apache2-foreground': 'Apache httpd', caddy: 'Caddy', haproxy: 'HAProxy', traefik: 'Traefik', envoy: 'Envoy',
  lighttpd: 'lighttpd', varnishd: 'Varnish',
};

/** Packages that install a reverse proxy (apt, apk, yum names). */
export const PROXY_PACKAGES: Record<string, string> = {
  nginx: 'nginx', 'nginx-full': 'nginx', 'nginx-light': 'nginx', 'nginx-extras': 'nginx', 'nginx-core': 'nginx', openresty: 'OpenResty',
  apache2: 'Apache httpd', httpd: 'Apache httpd', caddy: 'Caddy', haproxy: 'HAProxy', lighttpd: 'lighttpd', varnish: 'Varnish', envoy: 'Envoy',
};

/**
 * Application servers and runtimes that serve the app itself: what a proxy in the same container
 * would sit in front of. `php-fpm` and `uwsgi` speak FastCGI/uwsgi, not HTTP, which is why images
 * pair them with nginx.
 */
const APP_PROGRAMS = new Set([
  'node', 'nodejs', 'npm', 'yarn', 'pnpm', 'bun', 'deno', 'python', 'python3', 'gunicorn', 'uvicorn', 'hypercorn', 'daphne', 'uwsgi', 'waitress-serve',
  'flask', 'java', 'ruby', 'rails', 'puma', 'unicorn', 'thin', 'passenger', 'bundle', 'php-fpm', 'php', 'dotnet', 'perl', 'plackup', 'starman',
]);

export function isAppProgram(name: string): boolean {
  return APP_PROGRAMS.has(name) || /^php-?fpm[\d.]*$/.test(name) || /^python3(?:\.\d+)?$/.test(name);
}

/** Base images that are a language runtime (the app's own server is what runs there). */
export function isRuntimeImage(image: ImageRef): boolean {
  if (image.dynamic) return false;
  const base = imageBaseName(image);
  const tag = (image.tag ?? '').toLowerCase();
  if (base === 'php') return /fpm/.test(tag);
  return /^(?:node|python|pypy|ruby|openjdk|eclipse-temurin|amazoncorretto|ibm-semeru-runtimes|sapmachine|golang|rust|elixir|erlang|perl|dotnet|aspnet|runtime|bun|deno)$/.test(base);
}

export interface MemorySessions { what: string; advice: string }

/**
 * A setting that keeps sessions in the memory of one process, so a second replica (or a restart)
 * does not know the user. File-based sessions are the state rules' concern (file-based-state).
 */
export function memorySessionsOf(name: string, rawValue: string): MemorySessions | undefined {
  const v = rawValue.trim().toLowerCase().replace(/^["']|["']$/g, '');
  const n = name.toUpperCase();
  if (/^(?:SESSION_DRIVER|SESSION_STORE|SESSION_STORAGE|SESSION_BACKEND|SESSION_TYPE|SESSIONS_STORE|SESSION_STORE_TYPE)$/.test(n)) {
    if (v === 'memory' || v === 'memorystore' || v === 'in-memory' || v === 'inmemory' || v === 'mem') {
      return { what: `${name}=${rawValue.trim()} keeps sessions in the process's memory`, advice: 'Store sessions in Redis, the database or signed cookies.' };
    }
    // Laravel's `array` driver keeps a session for one request only (meant for tests).
    if (v === 'array' && n === 'SESSION_DRIVER') return { what: `${name}=array keeps sessions only for the current request`, advice: 'Use the redis, database or cookie driver.' };
  }
  // Spring Session turned off: sessions stay in the servlet container's memory.
  if ((n === 'SPRING_SESSION_STORE_TYPE' || n === 'SPRING_SESSION_STORETYPE') && v === 'none') {
    return { what: `${name}=none leaves sessions in the servlet container's memory`, advice: 'Use Spring Session with Redis or JDBC (`redis`, `jdbc`).' };
  }
  return undefined;
}
