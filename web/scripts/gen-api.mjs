// Generates web/src/api/schema.d.ts, the UI's types of the REST API, from the
// one description of it: src/server/openapi.json (the document the server
// embeds and the C++ tests check the router and golden answers against).
//
//   node scripts/gen-api.mjs [OUTPUT]     (npm run gen:api)
//
// The document is read with JSON.parse, as the server reads it, and handed
// to openapi-typescript as an object: the generator's own loader is a YAML
// parser, stricter than JSON about repeated keys. The output depends only on
// the document and the generator's version (web/package-lock.json), so
// e2e/api-types.test.mjs can regenerate it and compare.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const web = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const documentPath = join(web, "../src/server/openapi.json");
export const schemaPath = join(web, "src/api/schema.d.ts");

const header = `// Generated from src/server/openapi.json by web/scripts/gen-api.mjs
// (openapi-typescript). Do not edit: change the document and run
// \`npm run gen:api\` in web/; e2e/api-types.test.mjs checks it is current.

`;

// The text of schema.d.ts for the document at `document`.
export async function generate(document = documentPath) {
  const ast = await openapiTS(JSON.parse(readFileSync(document, "utf8")), {
    // A default is the server's, not a promise the client sends the field.
    defaultNonNullable: false,
    // {"type": "object"} without properties: any object, not an empty one.
    emptyObjectsUnknown: true,
  });
  return header + astToString(ast);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? schemaPath;
  writeFileSync(out, await generate());
  console.log(`gen-api: wrote ${out}`);
}
