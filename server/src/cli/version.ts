// Written into the bundle by scripts/build.mjs (esbuild `define`) from package.json's version, so the
// installed CLI knows its version without finding package.json at run time. Unbundled (out/), it is unset.
declare const __SEAWORTHY_VERSION__: string | undefined;

export const VERSION: string = typeof __SEAWORTHY_VERSION__ === 'string' ? __SEAWORTHY_VERSION__ : 'unknown (unbundled build)';
