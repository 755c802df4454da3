#!/usr/bin/env node
'use strict';
/*
 * Local-route oracle for tests/vectors/gen_routes.py (next@16.4.6).
 *
 * stdin:  {"tables": [{"routes": [...], "paths": [...]}, ...]}
 * stdout: {"tables": [{"dynamic": [...], "sorted": [...]} | {"error": "..."},
 *                      "cases": [{"path", "static", "result"}, ...]}]}
 *
 * Every decision is made by Next's own compiled modules from
 * $ORACLE_NODE_MODULES/next/dist ($ORACLE_DIR/node_modules, ORACLE_DIR defaulting to
 * ~/.cache/next-oracle):
 *   - the route set is built as shared/oracle/resolve.js builds its fake fsChecker, which
 *     follows server/lib/router-utils/filesystem.js: a Set of every page, and the dynamic pages
 *     (isDynamicRoute) sorted with getSortedRoutes, each with
 *     getNamedRouteRegex(page, {prefixRouteKeys, includePrefix, includeSuffix}) + getRouteMatcher
 *     (buildFilesystemDynamicRoute);
 *   - "static" is filesystem.js getItem() (no basePath, production, pages only): one trailing
 *     slash stripped, Set.has exact, then decodeURIComponent form, then encodeURIPath form;
 *   - "result" is resolve-routes.js checkTrue(): getItem(pathname || '/'), then the dynamic
 *     routes in order, the first whose matcher returns params wins, and getItem(route.page) gives
 *     the output.  A DecodeError thrown by the matcher is recorded (router-server answers 400).
 */
const path = require('path');
const os = require('os');

const NM = path.resolve(process.env.ORACLE_NODE_MODULES || path.join(
  process.env.ORACLE_DIR || path.join(os.homedir(), '.cache', 'next-oracle'), 'node_modules'));
const nx = (rel) => require(path.join(NM, 'next', 'dist', rel));

const { getSortedRoutes, isDynamicRoute } = nx('shared/lib/router/utils/index.js');
const { getNamedRouteRegex } = nx('shared/lib/router/utils/route-regex.js');
const { getRouteMatcher } = nx('shared/lib/router/utils/route-matcher.js');
const { encodeURIPath } = nx('shared/lib/encode-uri-path.js');
const { DecodeError } = nx('shared/lib/utils.js');
const nextVersion = require(path.join(NM, 'next', 'package.json')).version;

function build(routes) {
  const pages = [...new Set(routes)];
  const dynamic = pages.filter((p) => isDynamicRoute(p));
  // filesystem.js sortDynamicRoutes + buildFilesystemDynamicRoute
  const sorted = getSortedRoutes(dynamic);
  const matchers = sorted.map((page) => {
    const routeRegex = getNamedRouteRegex(page, { prefixRouteKeys: true, includePrefix: true, includeSuffix: true });
    return { page, match: getRouteMatcher(routeRegex) };
  });
  return { pageFiles: new Set(pages), dynamic, sorted, matchers };
}

// filesystem.js getItem(), reduced to a production build whose only items are page files.
function getItem(pageFiles, itemPath) {
  if (itemPath !== '/' && itemPath.endsWith('/')) itemPath = itemPath.substring(0, itemPath.length - 1);
  let decodedItemPath = itemPath;
  try { decodedItemPath = decodeURIComponent(itemPath); } catch {}
  if (pageFiles.has(itemPath)) return { route: itemPath, item_path: itemPath };
  if (pageFiles.has(decodedItemPath)) return { route: decodedItemPath, item_path: decodedItemPath };
  try {
    const encoded = encodeURIPath(itemPath);
    // filesystem.js keeps curItemPath (the unencoded path) as itemPath on this hit
    if (pageFiles.has(encoded)) return { route: encoded, item_path: itemPath };
  } catch {}
  return null;
}

// resolve-routes.js checkTrue() (no basePath, no i18n, no invokedOutputs)
function checkTrue(table, pathname) {
  const output = getItem(table.pageFiles, pathname || '/');
  if (output) return output;
  for (const route of table.matchers) {
    let params;
    try {
      params = route.match(pathname);
    } catch (e) {
      if (e instanceof DecodeError) return { error: 'DecodeError', message: e.message };
      throw e;
    }
    if (params) {
      const pageOutput = getItem(table.pageFiles, route.page);
      return pageOutput ? { ...pageOutput, params } : null;
    }
  }
  return null;
}

function run(input) {
  return input.tables.map(({ routes, paths }) => {
    let table;
    try {
      table = build(routes);
    } catch (e) {
      return { error: e.message };
    }
    const cases = (paths || []).map((p) => ({
      path: p,
      static: getItem(table.pageFiles, p),
      result: checkTrue(table, p),
    }));
    return { dynamic: table.dynamic, sorted: table.sorted, cases };
  });
}

let data = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { data += chunk; });
process.stdin.on('end', () => {
  const input = JSON.parse(data);
  process.stdout.write(JSON.stringify({ next_version: nextVersion, tables: run(input) }));
});
