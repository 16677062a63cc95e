/**
 * `npm run openapi`: writes openapi.json, the document lib/http/openapi.ts
 * builds from the route table and the zod schemas, at the repository root,
 * after checking it with @apidevtools/swagger-parser.
 *
 *   --check     write nothing; fail unless openapi.json is current and valid
 *   --validate  write nothing; fail unless openapi.json is a valid OpenAPI 3.1 document
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openApiText } from '../http/openapi';

const FILE = resolve(import.meta.dirname, '../../openapi.json');

const readCommitted = (): string | undefined => {
  try {
    return readFileSync(FILE, 'utf8');
  } catch {
    return undefined;
  }
};

/** Throws with the validator's message when `text` is not a valid OpenAPI 3.1 document. */
const validate = async (text: string): Promise<void> => {
  // validate() also dereferences the object it is given: hand it a parse of its own.
  await SwaggerParser.validate(JSON.parse(text) as never);
};

const main = async (args: string[]): Promise<number> => {
  const committed = readCommitted();
  if (args.includes('--validate')) {
    if (committed === undefined) throw new Error('openapi.json is missing: run `npm run openapi`.');
    await validate(committed);
    console.log('openapi.json is a valid OpenAPI 3.1 document.');
    return 0;
  }
  const fresh = openApiText();
  await validate(fresh);
  if (args.includes('--check')) {
    if (committed !== fresh) {
      console.error('openapi.json is out of date: run `npm run openapi` and commit the result.');
      return 1;
    }
    console.log('openapi.json is current and valid.');
    return 0;
  }
  if (committed === fresh) {
    console.log('openapi.json is already current (and valid).');
  } else {
    writeFileSync(FILE, fresh);
    console.log(`Wrote openapi.json (${Buffer.byteLength(fresh).toLocaleString('en')} bytes), a valid OpenAPI 3.1 document.`);
  }
  return 0;
};

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
