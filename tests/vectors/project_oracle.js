#!/usr/bin/env node
'use strict';
/*
 * Project oracle for tests/vectors/gen_project.py (next@16.4.6): what `next build` + `next start`
 * make of a project folder, before any request is routed.
 *
 *   node project_oracle.js <project dir> [production|development|test]
 *
 * prints one JSON object:
 *   {"routes": [...], "intercepting": [...], "public_files": [...],
 *    "env_files": [...], "env": {name: value}, "config": {...routing keys}, "error": null | "..."}
 *
 * Every answer comes from Next's own compiled modules in $ORACLE_NODE_MODULES/next/dist
 * ($ORACLE_DIR/node_modules, ORACLE_DIR defaulting to ~/.cache/next-oracle), run on the folder:
 *   - routes: build/route-discovery.js discoverRoutes({appDir, pagesDir, pageExtensions}) as
 *     build/index.js calls it (after loadBindings, which the metadata routes' static analysis
 *     needs), lib/find-pages-dir.js for the folders; app routes are the mappedAppPages keys
 *     through normalizeAppPath (the _not-found and _global-error entries left out), pages the
 *     mappedPages keys without /_app, /_document, /_error. Interception routes are listed apart:
 *     Next serves them through rewrites for client navigations, which the oracle does not model;
 *   - public_files: lib/recursive-readdir.js on public/, as setupFsCheck reads it;
 *   - env_files, env: server/config.js loadConfig(phase, dir) loads them with @next/env
 *     (loadEnvConfig), then @next/env's cached answer gives the files read and the names they set;
 *   - config: loadConfig's config (defaults applied, the config function called with the phase),
 *     with rewrites(), redirects() and headers() awaited: what resolve.js then takes as data.
 *     A config Next refuses is {"error": message}.
 */
const path = require('path');
const os = require('os');

const NM = path.resolve(process.env.ORACLE_NODE_MODULES || path.join(
  process.env.ORACLE_DIR || path.join(os.homedir(), '.cache', 'next-oracle'), 'node_modules'));
const nx = (rel) => require(path.join(NM, 'next', 'dist', rel));

const messages = [];
console.log = console.info = console.warn = console.error = (...a) => messages.push(a.map(String).join(' '));

async function main() {
  const dir = path.resolve(process.argv[2]);
  const mode = process.argv[3] || 'production';
  process.env.NODE_ENV = mode;
  const constants = nx('shared/lib/constants.js');
  const phase = { production: constants.PHASE_PRODUCTION_SERVER,
    development: constants.PHASE_DEVELOPMENT_SERVER, test: constants.PHASE_TEST }[mode];
  const out = { routes: null, intercepting: [], public_files: [], env_files: [], env: {}, config: null, error: null };
  let config;
  try {
    config = await nx('server/config.js').default(phase, dir, { silent: true });
  } catch (err) {
    out.error = String((err && err.message) || err);
    process.stdout.write(JSON.stringify(out) + '\n');
    return;
  }
  const { loadEnvConfig } = require(path.join(NM, '@next', 'env'));
  const env = loadEnvConfig(dir, mode === 'development');
  out.env_files = env.loadedEnvFiles.map((f) => f.path);
  const names = [...new Set(env.loadedEnvFiles.flatMap((f) => Object.keys(f.env || {})))];
  for (const name of names) if (process.env[name] !== undefined) out.env[name] = process.env[name];

  const routing = {};
  for (const key of ['rewrites', 'redirects', 'headers']) {
    if (typeof config[key] === 'function') routing[key] = await config[key]();
  }
  for (const key of ['basePath', 'trailingSlash', 'skipTrailingSlashRedirect', 'pageExtensions']) {
    routing[key] = config[key];
  }
  if (config.experimental && config.experimental.caseSensitiveRoutes) routing.caseSensitiveRoutes = true;
  out.config = routing;

  const { findPagesDir } = nx('lib/find-pages-dir.js');
  let dirs = null;
  try { dirs = findPagesDir(dir); } catch (err) { dirs = null; }
  if (dirs) {
    await nx('build/swc/index.js').loadBindings(false);
    const { discoverRoutes } = nx('build/route-discovery.js');
    const { normalizeAppPath } = nx('shared/lib/router/utils/app-paths.js');
    const { UNDERSCORE_NOT_FOUND_ROUTE_ENTRY, UNDERSCORE_GLOBAL_ERROR_ROUTE_ENTRY } = nx('shared/lib/entry-constants.js');
    const found = await discoverRoutes({
      appDir: dirs.appDir, pagesDir: dirs.pagesDir, pageExtensions: config.pageExtensions,
      isDev: false, baseDir: dir, isSrcDir: path.relative(dir, dirs.pagesDir || dirs.appDir).startsWith('src'),
    });
    const routes = new Set();
    for (const key of Object.keys(found.mappedPages || {})) {
      if (!['/_app', '/_document', '/_error'].includes(key)) routes.add(key);
    }
    for (const key of Object.keys(found.mappedAppPages || {})) {
      if (key === UNDERSCORE_NOT_FOUND_ROUTE_ENTRY || key === UNDERSCORE_GLOBAL_ERROR_ROUTE_ENTRY) continue;
      const route = normalizeAppPath(key);
      if (/\/\((?:\.{1,3}|\.\.\)\(\.\.)\)/.test(route)) out.intercepting.push(route);
      else routes.add(route);
    }
    out.routes = [...routes].sort();
    out.intercepting.sort();
  }
  const publicDir = path.join(dir, 'public');
  if (require('fs').existsSync(publicDir)) {
    const { recursiveReadDir } = nx('lib/recursive-readdir.js');
    out.public_files = (await recursiveReadDir(publicDir, {})).map((f) => f.split(path.sep).join('/')).sort();
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((err) => {
  process.stderr.write(String((err && err.stack) || err) + '\n' + messages.join('\n'));
  process.exit(1);
});
