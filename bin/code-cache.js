'use strict';
/**
 * Loads the CLI bundle with V8's code cache (what Node 22's module.enableCompileCache does; Node 20 has
 * no such switch). A one-off `seaworthy check` spends about a tenth of its time compiling JavaScript;
 * `npm run build` saves the bytecode of a training run beside the bundle, so later runs skip that work.
 *
 * V8 accepts a cache for a source of the same length, so the cache starts with the SHA-1 of the exact
 * bundle text it was made from; any other bundle, Node version or V8 flag set just compiles as usual.
 */
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');
const v8 = require('v8');
const vm = require('vm');

const DIGEST_BYTES = 20;

/**
 * A one-off scan is over before most optimised code pays back its compilation: with inlining, V8's
 * optimising compiler took ~5 s of CPU on a 3,000-file scan, competing with the scan for the second
 * core. Without it the scan is ~10% faster and uses ~25% less CPU (bench, 1× and 10× corpus). Set before
 * the bundle is compiled, so the code cache is made and used under the same flags. The language
 * server, which runs for hours, keeps V8's defaults.
 */
const V8_FLAGS = ['--no-turbo-inlining'];

function cachePathOf(bundle) { return bundle + '.cache'; }
function digestOf(source) { return crypto.createHash('sha1').update(source).digest(); }

function readCache(bundle, digest) {
  let data;
  try { data = fs.readFileSync(cachePathOf(bundle)); } catch { return undefined; }
  if (data.length <= DIGEST_BYTES || !data.subarray(0, DIGEST_BYTES).equals(digest)) return undefined;
  return data.subarray(DIGEST_BYTES);
}

/** Runs the CommonJS bundle as `require` would, compiled from the code cache when one matches. */
function loadBundle(bundle) {
  for (const flag of V8_FLAGS) v8.setFlagsFromString(flag);
  const source = fs.readFileSync(bundle, 'utf8');
  const digest = digestOf(source);
  const cachedData = readCache(bundle, digest);
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  const mod = { exports: {}, id: bundle, filename: bundle, loaded: false };
  script.runInThisContext()(mod.exports, Module.createRequire(bundle), mod, bundle, path.dirname(bundle));
  mod.loaded = true;
  /** 'none': no cache for this exact bundle; 'rejected': V8 refused it (other Node version or flags). */
  const cache = !cachedData ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted';
  return { exports: mod.exports, script, bundle, digest, cache };
}

/** Saves the bytecode compiled so far (the training run's functions included), atomically. */
function writeCodeCache(loaded) {
  const target = cachePathOf(loaded.bundle);
  const temp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(temp, Buffer.concat([loaded.digest, loaded.script.createCachedData()]));
  fs.renameSync(temp, target);
}

module.exports = { loadBundle, writeCodeCache, cachePathOf };
