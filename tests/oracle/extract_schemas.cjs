#!/usr/bin/env node
// Prints the JSON Schemas that the installed @backstage/catalog-model ships
// (dist/schema/**/*.schema.json.cjs.js) as one JSON object: relative path -> schema.
// `node tests/oracle/extract_schemas.cjs --write DIR` writes them as DIR/<path>
// (how generator/entity/schema/ is refreshed after the pin moves).
'use strict';
const fs = require('fs');
const path = require('path');

const pkg = path.dirname(require.resolve('@backstage/catalog-model/package.json'));
const base = path.join(pkg, 'dist', 'schema');
const found = {};
(function walk(dir) {
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (fs.statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.schema.json.cjs.js')) {
      found[path.relative(base, p).replace(/\.cjs\.js$/, '').split(path.sep).join('/')] = require(p).default;
    }
  }
})(base);
const i = process.argv.indexOf('--write');
if (i !== -1) {
  for (const [rel, schema] of Object.entries(found)) {
    const out = path.join(process.argv[i + 1], rel);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(schema, null, 2) + '\n');
  }
} else {
  process.stdout.write(JSON.stringify(found));
}
