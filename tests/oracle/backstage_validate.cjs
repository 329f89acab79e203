#!/usr/bin/env node
// The oracle of tests/test_backstage_parity.py: Backstage's own code decides
// whether the catalog would accept each entity.
//
// stdin:  one entity per line, as JSON.
// stdout: one line per entity, in order: {"ok": true} or {"ok": false, "error": "..."}.
//
// The steps and their order are those of @backstage/plugin-catalog-backend
// (4.0.5) for an entity read from a catalog file:
//   ProcessorOutputCollector.receive   envelope schema; annotations `|| {}`,
//                                      a non-object refused; location annotations added
//   DefaultCatalogProcessingOrchestrator.processSingleEntity:
//     envelope schema again
//     preProcessEntity                 BuiltinKindsEntityProcessor (sorts ref lists)
//     runPolicyStep                    CatalogBuilder's default policies: SchemaValid,
//                                      DefaultNamespace, NoForeignRootFields, FieldFormat
//     runValidateStep                  Entity schema; BuiltinKindsEntityProcessor's kind validators
//     postProcessEntity                BuiltinKindsEntityProcessor: relation refs (parseEntityRef)
// Everything Backstage-side is the pinned @backstage/catalog-model package; the
// processor is vendored from the catalog backend (vendor/README.md).
'use strict';

const Module = require('module');
const path = require('path');
const readline = require('readline');

// The one thing the vendored processor takes from @backstage/plugin-catalog-node.
const catalogNodeStub = {
  processingResult: { relation: (spec) => ({ type: 'relation', relation: spec }) },
};
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === '@backstage/plugin-catalog-node') return '@backstage/plugin-catalog-node';
  return resolve.call(this, request, ...rest);
};
require.cache['@backstage/plugin-catalog-node'] = {
  id: '@backstage/plugin-catalog-node', filename: '@backstage/plugin-catalog-node',
  loaded: true, exports: catalogNodeStub,
};

const model = require('@backstage/catalog-model');
const { BuiltinKindsEntityProcessor } = require(path.join(__dirname, 'vendor', 'BuiltinKindsEntityProcessor.cjs.js'));

const validateEntityEnvelope = model.entityEnvelopeSchemaValidator();
const validateEntity = model.entitySchemaValidator();
const policy = model.EntityPolicies.allOf([
  new model.SchemaValidEntityPolicy(),
  new model.DefaultNamespaceEntityPolicy(),
  new model.NoForeignRootFieldsEntityPolicy(),
  new model.FieldFormatEntityPolicy(model.makeValidator()),
]);
const processor = new BuiltinKindsEntityProcessor();
const LOCATION = 'url:https://git.example.com/repo/-/blob/HEAD/catalog-info.yaml';

function message(e) {
  let text = String(e && e.message || e);
  for (let c = e && e.cause; c; c = c.cause) text += `: ${c.message || c}`;
  return text;
}

async function check(input) {
  // ProcessorOutputCollector.receive
  let entity = validateEntityEnvelope(input);
  const annotations = entity.metadata.annotations || {};
  if (typeof annotations !== 'object' || Array.isArray(annotations)) {
    throw new Error('metadata.annotations must be a valid object');
  }
  entity = {
    ...entity,
    metadata: {
      ...entity.metadata,
      annotations: {
        ...annotations,
        [model.ANNOTATION_ORIGIN_LOCATION]: LOCATION,
        [model.ANNOTATION_LOCATION]: LOCATION,
      },
    },
  };
  // DefaultCatalogProcessingOrchestrator.processSingleEntity
  validateEntityEnvelope(entity);
  entity = await processor.preProcessEntity(entity);
  const enforced = await policy.enforce(entity);
  validateEntity(enforced);
  if (!(await processor.validateEntityKind(enforced))) {
    throw new Error(`No processor recognized the entity ${model.stringifyEntityRef(enforced)} as valid`);
  }
  await processor.postProcessEntity(enforced, { type: 'url', target: LOCATION }, () => {});
}

async function main() {
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  const out = [];
  for await (const line of rl) {
    if (!line.trim()) continue;
    let verdict;
    try {
      await check(JSON.parse(line));
      verdict = { ok: true };
    } catch (e) {
      verdict = { ok: false, error: message(e) };
    }
    out.push(JSON.stringify(verdict));
  }
  process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
}

main().catch((e) => {
  process.stderr.write(`oracle failed: ${e && e.stack || e}\n`);
  process.exit(2);
});
